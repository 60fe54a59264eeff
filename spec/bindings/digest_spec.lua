-- chartd.digest: content hashes that say whether two data values are the same data.
local digest = require "chartd.digest"

describe("chartd.digest", function()
  it("hashes bytes to 16 hex digits, the same bytes alike and other bytes apart", function()
    local a = digest.bytes("month,revenue\n2024-01,10\n")
    assert.matches("^%x+$", a)
    assert.equal(16, #a)
    assert.equal(a, digest.bytes("month,revenue\n2024-01,10\n"))
    assert.not_equal(a, digest.bytes("month,revenue\n2024-01,11\n"))
    assert.not_equal(digest.bytes(""), digest.bytes("\0"))
  end)

  it("hashes JSON-like values whatever their keys' order, telling types apart", function()
    local one = { values = { { a = 1, b = "x" }, { a = 2, b = "y" } } }
    local same = { values = { { b = "x", a = 1.0 }, { b = "y", a = 2 } } }
    assert.equal(digest.value(one), digest.value(same))
    assert.not_equal(digest.value({ a = 1 }), digest.value({ a = "1" }))
    assert.not_equal(digest.value({ 1, 2 }), digest.value({ 2, 1 }))
    assert.not_equal(digest.value({}), digest.value({ {} }))
    assert.not_equal(digest.value("a,b\n"), digest.value({ "a,b\n" }))
    assert.equal(digest.value("csv text"), digest.value("csv text"))
  end)

  it("refuses values nested past its depth limit instead of overflowing the stack", function()
    local deep = {}
    local t = deep
    for _ = 1, 300 do t.x = {}; t = t.x end
    assert.has_error(function() digest.value(deep) end)
  end)
end)
