-- `chartd plan`: argument handling, exit codes and the JSON it prints.
local json = require "util.json"
local plan = require "commands.plan"

-- luacheck: ignore 122 (io.stdout/io.stderr are swapped to capture what the command prints)
local function run(argv)
  local out, err = {}, {}
  local real_out, real_err = io.stdout, io.stderr
  io.stdout = { write = function(_, ...) for _, s in ipairs { ... } do out[#out + 1] = s end end }
  io.stderr = { write = function(_, ...) for _, s in ipairs { ... } do err[#err + 1] = s end end }
  local ok, code = pcall(plan.run, argv)
  io.stdout, io.stderr = real_out, real_err
  assert(ok, code)
  return code, table.concat(out), table.concat(err)
end

describe("chartd plan", function()
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write("region,sales\nEast,10\nWest,20\nEast,5\n")
  f:close()
  teardown(function() os.remove(path) end)

  it("prints the planned spec as JSON without data", function()
    local code, out = run { "--data", path, "total sales by region" }
    assert.equal(0, code)
    local spec = json.decode(out)
    assert.same({
      type = "bar", title = "Total sales by region",
      encoding = { x = { field = "region", type = "nominal" },
        y = { field = "sales", type = "quantitative", aggregate = "sum" } },
    }, spec)
  end)

  it("plans without data and says what it needs", function()
    local code, out = run { "monthly", "revenue", "in", "2024" }
    assert.equal(0, code)
    local spec = json.decode(out)
    assert.equal("line", spec.type)
    assert.same({ y = 2024, m = 1, months = 12 }, spec.needs.x.ranges[1].from)
  end)

  it("fails with exit 1 on a request that asks for no chart", function()
    local code, _, err = run { "xyzzy", "plugh" }
    assert.equal(1, code)
    assert.matches('^chartd plan: prompt: "xyzzy plugh" names no measure', err)
  end)

  it("is a usage error without a request or with an unknown option", function()
    local code, _, err = run { "--data", path }
    assert.equal(2, code)
    assert.truthy(err:find("expected a REQUEST", 1, true))
    code, _, err = run { "--bogus", "x" }
    assert.equal(2, code)
    assert.truthy(err:find("unknown option --bogus", 1, true))
  end)

  it("fails with exit 1 on a missing file; a request that names no column gets the data's own chart", function()
    local code, _, err = run { "--data", path .. ".missing", "sales" }
    assert.equal(1, code)
    assert.truthy(err:find("chartd plan: ", 1, true))
    local out
    code, out, err = run { "--data", path, "make it pretty" }
    assert.equal(0, code)
    assert.truthy(out:find('"type":', 1, true))
    assert.truthy(err:find("chartd plan: note: the request names no column, so chartd chose", 1, true))
  end)
end)
