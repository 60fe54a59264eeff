-- chartd.memo: the process-wide string table the LLM planner keeps its lessons in.
local memo = require "chartd.memo"

describe("chartd.memo", function()
  before_each(function() memo.clear() end)
  after_each(function() memo.clear() end)

  it("gives back what was set, the last value of a key, and nil for an unknown one", function()
    assert.is_nil(memo.get("a"))
    memo.set("a", "1")
    memo.set("b", "mode=json_object")
    memo.set("a", "2")
    assert.equal("2", memo.get("a"))
    assert.equal("mode=json_object", memo.get("b"))
    memo.clear()
    assert.is_nil(memo.get("b"))
  end)

  it("stays bounded: past 128 keys the oldest set is dropped first", function()
    for i = 1, 130 do memo.set("k" .. i, tostring(i)) end
    assert.is_nil(memo.get("k1"))
    assert.is_nil(memo.get("k2"))
    assert.equal("3", memo.get("k3"))
    assert.equal("130", memo.get("k130"))
  end)

  it("refuses keys and values it cannot hold, naming the argument", function()
    assert.has_error(function() memo.set(("x"):rep(640), "v") end,
      "bad argument #1 to 'set' (key too long or holds a NUL)")
    assert.has_error(function() memo.set("k", ("v"):rep(256)) end,
      "bad argument #2 to 'set' (value too long or holds a NUL)")
    assert.has_error(function() memo.set("k\0z", "v") end, "bad argument #1 to 'set' (key too long or holds a NUL)")
    assert.is_nil(memo.get(("x"):rep(700)))
  end)
end)
