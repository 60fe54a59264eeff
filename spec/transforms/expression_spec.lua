local expression = require "transforms.expression"
local json = require "util.json"

describe("transforms.expression", function()
  local function run(text, datum)
    local fn = assert(expression.compile(text))
    return fn(datum or {})
  end

  it("follows JavaScript's operators", function()
    assert.equal(7, run("1 + 2 * 3"))
    assert.equal("a1", run("'a' + 1"))
    assert.equal(true, run("'5' == 5"))
    assert.equal(false, run("'5' === 5"))
    assert.equal(2, run("datum.a % 3", { a = -7 }) + 3)
    assert.equal("b", run("datum.x > 5 ? 'a' : 'b'", { x = 2 }))
    assert.equal(0, run("datum.missing || 0", {}))
    assert.is_true(run("!(1 > 2) && true"))
    assert.equal(math.huge, run("1 / 0"))
  end)

  it("reads fields by name, with spaces through brackets", function()
    assert.equal(30, run("datum['IMDB Rating'] * 10", { ["IMDB Rating"] = 3 }))
    assert.equal(2, run("datum.a.b", { a = { b = 2 } }))
  end)

  it("has date functions that read Date.parse text and JavaScript's zero-based months", function()
    assert.equal(2005, run("year(datum.d)", { d = "Jan 1 2005" }))
    assert.equal(1, run("month(datum.d)", { d = "2005-02-15" }))
    assert.is_true(run("datum.d < datetime(2003, 0, 1)", { d = "2002-12-31" }))
    assert.is_false(run("datum.d < datetime(2003, 0, 1)", { d = "2003-01-01" }))
  end)

  it("has string and math functions", function()
    assert.equal("AB", run("upper(substring('abc', 0, 2))"))
    assert.equal(1, run("indexof(['a', 'b'], 'b')"))
    assert.equal(3, run("round(2.5)"))
    assert.equal(-2, run("round(-2.5)"))
    assert.equal("1,234.5", run("format(1234.5, ',.1f')"))
  end)

  it("refuses unknown functions and names, never evaluating them", function()
    local _, err = expression.compile("load('x')")
    assert.matches('unknown function "load"', err)
    _, err = expression.compile("os.exit()")
    assert.matches('unknown name "os"', err)
    _, err = expression.compile("datum.a +")
    assert.matches("unexpected end of expression at column 10", err)
  end)

  it("is total: random and deep inputs give a value or an error, never a crash", function()
    local alphabet = { "datum.a", "(", ")", "+", "-", "*", "?", ":", "'x'", "1", "[", "]", ",", "!", "&&",
      "year(", "==", "." }
    local seed = 7
    for _ = 1, 2000 do
      local parts = {}
      for j = 1, 12 do
        seed = (seed * 1103515245 + 12345) % 2147483648
        parts[j] = alphabet[seed % #alphabet + 1]
      end
      local fn = expression.compile(table.concat(parts, " "))
      if fn then fn({ a = 1 }) end
    end
    local _, err = expression.compile(("("):rep(500) .. "1" .. (")"):rep(500))
    assert.matches("nested too deeply", err)
    assert.equal(json.null, run("toNumber(null)"))
  end)
end)

describe("transforms.window", function()
  local transforms = require "transforms"
  it("keeps a running value for growing frames: the cumulative sums, in linear time",
    function()
      local rows = {}
      for i = 1, 30000 do rows[i] = { g = i % 3, v = (i * 7919) % 101 / 4 } end
      local clock = require "chartd.clock"
      local t0 = clock.now_ms()
      local out = transforms.run(rows, { { window = { { op = "sum", field = "v", as = "cum" },
        { op = "mean", field = "v", as = "all" } }, frame = { json.null, 0 }, groupby = { "g" } } })
      local sums = { [0] = 0, 0, 0 }
      for _, r in ipairs(out) do
        sums[r.g] = sums[r.g] + r.v
        assert(math.abs(r.cum - sums[r.g]) < 1e-6, "cumulative sum")
      end
      -- A hang guard, not a speed claim (sanitizer builds and a loaded machine are slow): the
      -- quadratic version takes many minutes here.
      assert.is_true(clock.now_ms() - t0 < 60000)
    end)
end)

describe("transforms limits", function()
  it("stops a fold that would make more rows than a chart takes, naming the transform", function()
    local transforms = require "transforms"
    local rows = {}
    for i = 1, 30000 do rows[i] = { a = i, b = i, c = i, d = i, e = i } end
    -- the limit lowered for the test: 30,000 rows folded five ways pass 100,000
    local limit = transforms.MAX_ROWS
    transforms.MAX_ROWS = 100000
    local ok, err = pcall(transforms.run, rows, { { filter = "datum.a > 0" }, { fold = { "a", "b", "c", "d", "e" } } })
    transforms.MAX_ROWS = limit
    assert.is_false(ok)
    assert.equal("invalid_data", err.code)
    assert.equal("transform[1]: makes more than 100000 rows, the limit of the data", err.message)
  end)
end)
