-- lua/selftest.lua: the reload self-test passes on the shipped scripts, compiles every file,
-- and reports failures as "file:line: message" relative to CHARTD_HOME.
local selftest = require "selftest"

local function temp_root(files)
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -p " .. dir .. "/lua/sub"))
  for rel, text in pairs(files) do
    local f = assert(io.open(dir .. "/" .. rel, "wb"))
    f:write(text)
    f:close()
  end
  return dir
end

describe("selftest", function()
  it("passes on the shipped scripts and counts what it checked", function()
    local report = selftest.run()
    assert.equal(#require("charts").names(), report.charts)
    assert.equal(#require("themes").names(), report.themes)
    local templates = 0
    for _ in pairs(require("prompts").TEMPLATES) do templates = templates + 1 end
    assert.equal(templates, report.prompts)
    assert.is_true(report.prompts >= 4) -- system, plan, repair, plain_format
    assert.is_true(report.files >= 40)
    assert.is_true(report.kinds >= 40)
  end)

  it("refuses a synthesis vocabulary that does not load or check, naming the file", function()
    local root = temp_root({})
    -- copied in Lua: `cp` under the sanitizer suite's LD_PRELOAD exits 1 with several files
    assert(os.execute("mkdir -p " .. root .. "/lua/synth"))
    for _, name in ipairs(require("chartd.fs").list("lua/synth")) do
      local src = assert(io.open("lua/synth/" .. name, "rb"))
      local dst = assert(io.open(root .. "/lua/synth/" .. name, "wb"))
      dst:write(src:read("a"))
      src:close()
      dst:close()
    end
    assert.is_true(selftest.load_vocab(root) >= 40)
    local f = assert(io.open(root .. "/lua/synth/kinds.lua", "ab"))
    f:write("x = 1\n")
    f:close()
    local ok, err = pcall(selftest.load_vocab, root)
    assert.is_false(ok)
    assert.matches("^lua/synth/kinds%.lua:%d+: ", err)
    f = assert(io.open(root .. "/lua/synth/measures.lua", "wb"))
    f:write("return { profiles = { generic = { aggregate = 'sum', base = 1, sd = 1 } }, words = { x = 'nope' } }")
    f:close()
    ok, err = pcall(selftest.load_vocab, root)
    assert.is_false(ok)
    assert.equal('lua/synth/measures.lua: words.x names no profile "nope"', err)
    os.execute("rm -rf " .. root)
  end)

  it("compiles every .lua file below lua/, folders included, without running them", function()
    local root = temp_root({ ["lua/a.lua"] = "error('never runs')\n", ["lua/sub/b.lua"] = "return 1\n" })
    assert.equal(2, selftest.compile_all(root))
    local f = assert(io.open(root .. "/lua/sub/b.lua", "wb"))
    f:write("local x =\n\nreturn x +\n")
    f:close()
    local ok, err = pcall(selftest.compile_all, root)
    assert.is_false(ok)
    assert.equal("lua/sub/b.lua:3: unexpected symbol near 'return'", err)
    os.execute("rm -rf " .. root)
  end)

  describe("clean_error", function()
    it("makes paths relative to the home folder", function()
      assert.equal("lua/charts/bar.lua:42: boom",
        selftest.clean_error("/srv/chartd/lua/charts/bar.lua:42: boom", "/srv/chartd"))
    end)

    it("keeps only the loader's message of a failed require", function()
      local msg = "error loading module 'charts.bar' from file '/h/lua/charts/bar.lua':\n\t/h/lua/charts/bar.lua:7: "
        .. "unexpected symbol near '='"
      assert.equal("lua/charts/bar.lua:7: unexpected symbol near '='", selftest.clean_error(msg, "/h"))
    end)

    it("starts a wrapped error at its location", function()
      assert.equal("lua/charts/pie.lua:9: attempt to index a nil value",
        selftest.clean_error({ code = "internal",
          message = "draw failed: /h/lua/charts/pie.lua:9: attempt to index a nil value" }, "/h"))
      assert.equal("themes/ocean.lua:4: unexpected symbol near '}'",
        selftest.clean_error(
          'theme: theme "ocean" cannot be loaded: /h/themes/ocean.lua:4: unexpected symbol near \'}\'', "/h"))
    end)

    it("names a prompt template by its file", function()
      assert.equal("prompts/plan.txt: unknown placeholder {{x}}; allowed request",
        selftest.clean_error("prompt template plan: unknown placeholder {{x}}; allowed request", "/h"))
    end)
  end)

  describe("incremental runs", function()
    -- The dependency graph is recorded as modules load, as in the fresh state of a reload:
    -- forget the lua/ modules earlier specs loaded.
    before_each(function()
      for name in pairs(package.loaded) do
        if name ~= "selftest" and package.searchpath(name, "lua/?.lua;lua/?/init.lua") then
          package.loaded[name] = nil
        end
      end
    end)

    it("renders again only the chart types whose modules include a changed file", function()
      local report = selftest.run({ "lua/charts/sparkline.lua" })
      assert.equal(#require("charts").names(), report.charts) -- every module still loads
      -- sparkline itself, and facet, which requires chart modules by computed name
      assert.equal(2, report.rendered)
      local names = require("charts").names()
      local function set(t)
        local out = {}
        for k in pairs(t) do out[#out + 1] = k end
        table.sort(out)
        return out
      end
      assert.same({ "density", "facet", "violin" }, set(selftest.affected({ "lua/charts/shared/kde.lua" }, names)))
      assert.same({ "bar", "facet", "lollipop" }, set(selftest.affected({ "lua/charts/bar.lua" }, names)))
    end)

    it("renders everything for a file the graph cannot vouch for", function()
      selftest.run({ "lua/charts/sparkline.lua" })
      local names = require("charts").names()
      assert.is_nil(selftest.affected({ "lua/pipeline.lua" }, names))       -- used by no chart module
      assert.is_nil(selftest.affected({ "themes/dark.lua" }, names))        -- not a module
      assert.is_nil(selftest.affected({ "prompts/plan.txt" }, names))
      local full = selftest.run(nil)
      assert.equal(full.charts, full.rendered)
    end)

    it("marks modules that require by computed name", function()
      selftest.compile_all(".")
      assert.is_true(selftest.dynamic["lua/charts/facet.lua"])
      assert.is_nil(selftest.dynamic["lua/charts/bar.lua"])
    end)
  end)
end)
