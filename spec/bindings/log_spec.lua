-- Specs for chartd.log (src/lua_log.c): JSON lines on stderr, sorted flat fields, levels.
local function run(code)
  -- stderr is the log's only output, so run a child lua5.4 and capture it
  local cpath = package.cpath:gsub("'", "")
  local cmd = string.format("lua5.4 -e \"package.cpath='%s'\" -e '%s' 2>&1", cpath, code)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  return out
end

describe("chartd.log", function()
  it("writes one JSON object a line with sorted, escaped fields", function()
    local out = run([[local log = require "chartd.log"
      log.info("render_done", { ms = 12.5, chart = "bar", n = 3, ok = true, note = "a\"b\n", inf = 1/0 })]])
    local time, rest = out:match('^{"time":"([^"]+)",(.*)\n$')
    assert.is_truthy(time, out)
    assert.is_truthy(time:match("^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.%d%d%dZ$"))
    assert.are.equal('"level":"info","event":"render_done","chart":"bar","inf":null,"ms":12.5,"n":3,'
      .. '"note":"a\\"b\\n","ok":true}', rest)
  end)

  it("drops messages below the level", function()
    local out = run([[local log = require "chartd.log"
      log.debug("hidden") log.set_level("debug") log.debug("shown") log.set_level("error")
      log.warn("hidden") io.stderr:write(log.level(), "\n")]])
    assert.is_truthy(out:find('"level":"debug","event":"shown"}\n', 1, true))
    assert.is_nil(out:find("hidden", 1, true))
    assert.are.equal("error\n", out:sub(-6))
  end)

  it("raises on nested fields and unknown levels", function()
    local log = require "chartd.log"
    assert.has_error(function() log.info("x", { t = {} }) end,
      "bad argument #2 to 'info' (field 't' must be a string, number or boolean, got table)")
    assert.has_error(function() log.set_level("loud") end,
      "bad argument #1 to 'set_level' (unknown level 'loud' (debug|info|warn|error))")
  end)
end)
