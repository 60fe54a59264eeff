-- Specs for util.errors: the message carries the path; is() recognises them.
local errors = require "util.errors"

describe("util.errors", function()
  it("prefixes the message with the path", function()
    local e = errors.new("unknown_field", "encoding.y.field", 'no column "x"')
    assert.are.equal("unknown_field", e.code)
    assert.are.equal("encoding.y.field", e.path)
    assert.are.equal('encoding.y.field: no column "x"', e.message)
    assert.are.equal('encoding.y.field: no column "x"', tostring(e))
  end)

  it("leaves the message alone without a path", function()
    assert.are.equal("bad", errors.new("invalid_spec", "", "bad").message)
    assert.are.equal("bad", errors.new("invalid_spec", nil, "bad").message)
  end)

  it("recognises its own values only", function()
    assert.is_true(errors.is(errors.new("invalid_json", "", "x")))
    assert.is_false(errors.is({ code = "invalid_json", message = "x" }))
    assert.is_false(errors.is("x"))
  end)
end)
