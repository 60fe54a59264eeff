-- Specs for chartd.csv (src/lua_csv.c): RFC 4180 rows of strings, options, errors with line numbers.
local csv = require "chartd.csv"

describe("chartd.csv", function()
  it("parses rows of strings with quotes, doubled quotes and embedded newlines", function()
    local rows = csv.parse('month,revenue,note\r\nJan,"1,200","say ""hi"""\nFeb,900,"two\nlines"\n')
    assert.are.same({
      { "month", "revenue", "note" },
      { "Jan", "1,200", 'say "hi"' },
      { "Feb", "900", "two\nlines" },
    }, rows)
  end)

  it("skips a UTF-8 BOM and makes no row of a trailing newline", function()
    assert.are.same({ { "a", "b" } }, csv.parse("\239\187\191a,b\n"))
    assert.are.same({}, csv.parse(""))
  end)

  it("keeps empty fields", function()
    assert.are.same({ { "a", "", "" }, { "", "b", "" } }, csv.parse("a,,\n,b,"))
  end)

  it("takes a separator option", function()
    assert.are.same({ { "a", "b;c" }, { "1", "2" } }, csv.parse('a;"b;c"\n1;2', { separator = ";" }))
    assert.are.same({ { "a", "b" } }, csv.parse("a\tb", { separator = "\t" }))
  end)

  it("returns nil and a message with the line number", function()
    assert.are.same({ nil, "line 3: unterminated quoted field" }, { csv.parse('a,b\n1,2\n"x,3\n') })
    assert.are.same({ nil, "line 2: unexpected character after closing quote" }, { csv.parse('a\n"b"c') })
  end)

  it("raises on misuse", function()
    assert.has_error(function() csv.parse(nil) end, "bad argument #1 to 'parse' (string expected, got nil)")
    assert.has_error(function() csv.parse("a", { separator = ";;" }) end,
      "bad argument #2 to 'parse' (separator must be a single character other than a quote or line ending)")
  end)

  it("parses a large file", function()
    local lines = { "x,y" }
    for i = 1, 20000 do lines[#lines + 1] = i .. ',"v' .. i .. '"' end
    local rows = csv.parse(table.concat(lines, "\n"))
    assert.are.equal(20001, #rows)
    assert.are.same({ "20000", "v20000" }, rows[20001])
  end)
end)
