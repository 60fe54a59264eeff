-- Specs for chartd.base64 (src/lua_base64.c): RFC 4648 vectors, binary round trips, strict decoding.
local base64 = require "chartd.base64"

describe("chartd.base64", function()
  it("encodes the RFC 4648 test vectors", function()
    local vectors = { [""] = "", f = "Zg==", fo = "Zm8=", foo = "Zm9v", foob = "Zm9vYg==",
      fooba = "Zm9vYmE=", foobar = "Zm9vYmFy" }
    for plain, encoded in pairs(vectors) do
      assert.are.equal(encoded, base64.encode(plain))
      assert.are.equal(plain, base64.decode(encoded))
    end
  end)

  it("round-trips all 256 byte values, embedded NULs included", function()
    local t = {}
    for i = 0, 255 do t[#t + 1] = string.char(i) end
    local all = table.concat(t)
    assert.are.equal(all, base64.decode(base64.encode(all)))
    for len = 0, 10 do
      local s = all:sub(1, len)
      assert.are.equal(s, base64.decode(base64.encode(s)))
    end
  end)

  it("rejects bad input with the byte offset", function()
    assert.are.same({ nil, "invalid base64 at offset 4" }, { base64.decode("Zm9v!A==") })
    assert.are.same({ nil, "invalid base64 at offset 3" }, { base64.decode("Zm9") })
    assert.are.same({ nil, "invalid base64 at offset 4" }, { base64.decode("Zm9v\r\nYmFy") })
    assert.are.same({ nil, "invalid base64 at offset 2" }, { base64.decode("Zg==Zg==") })
  end)

  it("raises on a non-string argument", function()
    assert.has_error(function() base64.encode({}) end, "bad argument #1 to 'encode' (string expected, got table)")
  end)
end)
