-- Specs for util.json: deterministic encoding, integer and empty-array
-- round trips, escapes, and decode errors with line/column.
local json = require "util.json"

describe("util.json", function()
  describe("encode", function()
    it("sorts object keys and keeps integers without .0", function()
      assert.are.equal('{"a":1,"b":[1,2.5,-3],"c":true,"d":null}',
        json.encode({ d = json.null, c = true, b = { 1, 2.5, -3 }, a = 1 }))
    end)

    it("encodes json.array({}) as [] and a plain {} as {}", function()
      assert.are.equal('{"empty":[],"obj":{}}', json.encode({ empty = json.array(), obj = {} }))
      assert.are.equal("[]", json.encode(json.array({})))
      assert.are.equal("{}", json.encode(json.object({})))
    end)

    it("escapes quotes, backslashes and control characters", function()
      assert.are.equal('"a\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f"', json.encode('a"b\\c\n\t\r\b\f\1\31'))
    end)

    it("passes valid UTF-8 through and escapes U+2028", function()
      assert.are.equal('"€ 中文 😀"', json.encode("€ 中文 😀"))
      assert.are.equal('"a\\u2028b"', json.encode("a\u{2028}b"))
    end)

    -- Strings of every kind of byte — printable ASCII (the quick road), quotes, backslashes,
    -- controls, DEL (valid in JSON, kept), UTF-8 of 2-4 bytes, U+2028/2029, broken UTF-8 — encode
    -- as a plain escaper written here says, or are refused when not UTF-8.
    it("encodes generated strings of every kind of byte as a plain escaper does", function()
      local rnd = require("charts.shared.sample_rng").lcg(2028)
      local function pick(list) return list[math.floor(rnd() * #list) + 1] end
      local PARTS = { "a", "Z", " ", "~", "!", "#", "[", "]", "{", "}", "-", "0", "T", ":", '"', "\\", "\n", "\t",
        "\0", "\31", "\127", "é", "中", "😀", "\u{2028}", "\u{2029}", "\xff", "\xc3", "\xe2\x80" }
      local function expected(str)
        if not utf8.len(str) then return nil end
        local out = {}
        for _, c in utf8.codes(str) do
          local ch = utf8.char(c)
          if ch == '"' then out[#out + 1] = '\\"'
          elseif ch == "\\" then out[#out + 1] = "\\\\"
          elseif c == 8 then out[#out + 1] = "\\b"
          elseif c == 12 then out[#out + 1] = "\\f"
          elseif c == 10 then out[#out + 1] = "\\n"
          elseif c == 13 then out[#out + 1] = "\\r"
          elseif c == 9 then out[#out + 1] = "\\t"
          elseif c < 32 or c == 0x2028 or c == 0x2029 then out[#out + 1] = ("\\u%04x"):format(c)
          else out[#out + 1] = ch end
        end
        return '"' .. table.concat(out) .. '"'
      end
      local plain = 0
      for round = 1, 3000 do
        local parts = {}
        local ascii = round % 2 == 0 -- half of them printable ASCII only
        for _ = 1, math.floor(rnd() * 12) do
          parts[#parts + 1] = ascii and pick({ "a", "Z", " ", "~", "#", "[", "]", "-" }) or pick(PARTS)
        end
        local str = table.concat(parts)
        local want = expected(str)
        local got, err = json.encode(str)
        if want then
          assert.are.equal(want, got, ("%q"):format(str))
          if want == '"' .. str .. '"' then plain = plain + 1 end
        else
          assert.is_nil(got)
          assert.are.equal("(root): invalid UTF-8 in string", err)
        end
      end
      assert.is_true(plain > 1500, "plain strings: " .. plain)
    end)

    it("refuses invalid UTF-8, NaN and Infinity naming the path", function()
      assert.are.same({ nil, "rows[1].v: NaN cannot be encoded as JSON" },
        { json.encode({ rows = { { v = 1 }, { v = 0 / 0 } } }) })
      assert.are.same({ nil, "x: Infinity cannot be encoded as JSON" }, { json.encode({ x = math.huge }) })
      assert.are.same({ nil, "s: invalid UTF-8 in string" }, { json.encode({ s = "\xff" }) })
    end)

    it("refuses mixed tables, functions and cycles", function()
      assert.are.same({ nil, "(root): table mixes array and object keys (or has holes)" },
        { json.encode({ 1, x = 2 }) })
      assert.are.same({ nil, "f: cannot encode a function as JSON" }, { json.encode({ f = print }) })
      local t = {}
      t.t = t
      local s, err = json.encode(t)
      assert.is_nil(s)
      assert.matches("nesting deeper than 1000", err, 1, true)
    end)

    it("writes floats in the shortest form that reads back exactly", function()
      assert.are.equal("0.1", json.encode(0.1))
      assert.are.equal("0.3333333333333333", json.encode(1 / 3))
      assert.are.equal("1e+300", json.encode(1e300))
      assert.are.equal("9007199254740993", json.encode(9007199254740993))
    end)
  end)

  describe("decode", function()
    it("returns whole numbers as Lua integers", function()
      local v = json.decode('{"a":1,"b":2.0,"c":2.5,"d":-0,"e":9007199254740992}')
      assert.are.equal("integer", math.type(v.a))
      assert.are.equal("integer", math.type(v.b))
      assert.are.equal("float", math.type(v.c))
      assert.are.equal(9007199254740992, v.e)
      assert.are.equal("integer", math.type(v.e))
    end)

    it("round-trips empty arrays, unicode and control characters", function()
      local text = '{"a":[],"b":{},"c":[[],[1]],"s":"x\\u0000y\\n\\u00e9 ☃","t":"[ ]"}'
      local v = json.decode(text)
      assert.is_true(json.is_array(v.a))
      assert.are.equal("x\0y\né ☃", v.s)
      assert.are.equal("[ ]", v.t)
      assert.are.equal('{"a":[],"b":{},"c":[[],[1]],"s":"x\\u0000y\\né ☃","t":"[ ]"}', json.encode(v))
      assert.are.equal('[[],{"k":[]}]', json.encode(json.decode('[ [ \n ] , {"k": [\t]} ]')))
    end)

    it("keeps json.null for null", function()
      local v = json.decode('{"a":null}')
      assert.are.equal(json.null, v.a)
    end)

    it("reports errors with line and column", function()
      assert.are.same({ nil, "invalid JSON at line 2, column 7: expected value but found invalid token" },
        { json.decode('{\n "a": tru}') })
      assert.are.same({ nil,
        "invalid JSON at line 1, column 5: expected comma or array end but found the end of the text" },
        { json.decode("[1,2") })
      assert.are.same({ nil, "invalid JSON at line 1, column 8: expected object key string but found '}'" },
        { json.decode('{"a":1,}') })
      assert.are.same({ nil, "invalid JSON at line 3, column 1: expected comma or array end but found a number" },
        { json.decode('[[],\n[]\n2]') })
      assert.are.same({ nil, "invalid JSON: expected text, got nil" }, { json.decode(nil) })
    end)
  end)
end)
