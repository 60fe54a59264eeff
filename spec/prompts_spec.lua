-- lua/prompts.lua: templates under prompts/, placeholders checked at load time.
local prompts = require "prompts"

local function temp_dir(files)
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -p " .. dir))
  for name, text in pairs(files) do
    local f = assert(io.open(dir .. "/" .. name .. ".txt", "wb"))
    f:write(text)
    f:close()
  end
  return dir
end

describe("prompts", function()
  it("loads every template in prompts/ with only its declared placeholders", function()
    local texts = prompts.check()
    assert.same({ "errors" }, prompts.placeholders(texts.repair))
    assert.same({ "request", "data_description", "previous" }, prompts.placeholders(texts.plan))
  end)

  it("renders values as they are, never expanding placeholders inside them", function()
    local out = prompts.render("repair", { errors = "encoding.x.field: no column {{request}} %1" })
    assert.truthy(out:find("The validator reported:\nencoding.x.field: no column {{request}} %1\n", 1, true))
  end)

  it("raises when a value is missing", function()
    assert.has_error(function() prompts.render("repair", {}) end,
      "prompts.render: template repair needs {{errors}} (a string)")
  end)

  it("refuses an unknown placeholder when the templates are checked", function()
    local dir = temp_dir({ repair = "fix: {{errors}} and {{eror}}" })
    assert.has_error(function() prompts.check({ repair = { "errors" } }, dir) end,
      "prompt template repair: unknown placeholder {{eror}}; allowed errors")
    os.execute("rm -rf " .. dir)
  end)

  it("refuses a malformed placeholder and a missing file", function()
    local dir = temp_dir({ plan = "x {{ two words }}" })
    assert.has_error(function() prompts.check({ plan = { "request" } }, dir) end,
      "prompt template plan: malformed placeholder {{ two words }}")
    assert.has_error(function() prompts.check({ system = {} }, dir) end,
      "prompt template system: " .. dir .. "/system.txt: No such file or directory")
    os.execute("rm -rf " .. dir)
  end)
end)
