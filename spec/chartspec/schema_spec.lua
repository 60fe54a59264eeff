-- Specs for chartspec.schema: it encodes as JSON and mirrors the validator's lists.
local schema = require "chartspec.schema"
local validate = require "chartspec.validate"
local json = require "util.json"

describe("chartspec.schema", function()
  it("encodes to JSON and round-trips", function()
    local s = schema.spec({ "bar", "line" }, { "dark", "light" })
    local text = assert(json.encode(s))
    local back = assert(json.decode(text))
    assert.are.same({ "bar", "line" }, back.properties.type.enum)
    assert.are.same({ "dark", "light" }, back.properties.theme.enum)
    assert.are.same({ "type", "data", "encoding" }, back.required)
    assert.is_false(back.additionalProperties)
  end)

  it("allows exactly the validator's top-level keys and channels", function()
    local s = schema.spec()
    local keys = {}
    for k in pairs(s.properties) do keys[#keys + 1] = k end
    table.sort(keys)
    assert.are.same(validate.TOP_KEYS, keys)
    local chans = {}
    for k in pairs(s.properties.encoding.properties) do chans[#chans + 1] = k end
    table.sort(chans)
    assert.are.same(validate.CHANNELS, chans)
    local ckeys = {}
    for k in pairs(s.properties.encoding.properties.x.properties) do ckeys[#ckeys + 1] = k end
    table.sort(ckeys)
    assert.are.same(validate.CHANNEL_KEYS, ckeys)
    assert.are.same({ type = "string" }, s.properties.type)
  end)
end)
