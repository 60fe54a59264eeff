-- Tests for charts.candlestick: custom channels, sorting, bodies from
-- open/close, wicks from high/low, invalid rows, pixels.
local candle = require "charts.candlestick"
local waterfall = require "charts.waterfall"
local fixture = require "charts.shared.fixture"
local render = require "charts.shared.render"
local themes = require "themes"

local ENC = { x = { field = "d", type = "temporal" }, open = { field = "o" }, high = { field = "h" },
  low = { field = "l" }, close = { field = "c" } }
local BOX = { x = 0, y = 0, width = 400, height = 300 }
local ROWS = { { d = "2024-01-03", o = 12, h = 15, l = 9, c = 10 }, { d = "2024-01-01", o = 10, h = 13, l = 8, c = 12 },
  { d = "2024-01-02", o = 12, h = 14, l = 11, c = 13 } }

describe("charts.candlestick", function()
  local light = themes.get("light")
  it("sorts by date and builds bodies from open/close, wicks from high/low", function()
    local l = candle.layout(fixture.spec("candlestick", ROWS, ENC), light, BOX)
    local sy = l.frame.y.scale
    local c = l.candles
    assert.same({ 10, 12, 12 }, { c[1].open, c[2].open, c[3].open })
    assert.is_true(c[1].up and not c[3].up)
    assert.equal(sy(12), c[1].body.y); assert.is_true(math.abs(c[1].body.h - (sy(10) - sy(12))) < 1e-9)
    assert.equal(sy(12), c[3].body.y); assert.is_true(math.abs(c[3].body.y + c[3].body.h - sy(10)) < 1e-9)
    assert.equal(sy(15), c[3].wick.y0); assert.equal(sy(9), c[3].wick.y1)
    local cols = waterfall.colors(light)
    assert.equal(cols.increase, c[1].color); assert.equal(cols.decrease, c[3].color)
    -- One day apart: bodies are 70 % of a day wide.
    local sx = l.frame.x.scale
    assert.is_true(math.abs(c[1].body.w - (sx(86400 * 2) - sx(86400)) * candle.BODY) < 1e-6)
  end)
  it("errors on high below low, and names a missing channel", function()
    local bad = { { d = "2024-01-01", o = 10, h = 8, l = 9, c = 10 } }
    local err = render.fails({ type = "candlestick", data = { values = bad }, encoding = ENC })
    assert.equal("invalid_data", err.code)
    assert.equal("data: row 1: high (8) is below low (9)", err.message)
    err = render.fails({ type = "candlestick", data = { values = ROWS },
      encoding = { x = ENC.x, open = ENC.open, high = ENC.high, low = ENC.low } })
    assert.equal("missing_encoding", err.code)
    assert.equal("encoding.close", err.path)
  end)
  it("describes the period; one row; 100,000 rows", function()
    local spec = fixture.spec("candlestick", ROWS, ENC)
    assert.equal("Candlestick chart of 3 periods from 2024-01-01 to 2024-01-03: opened at 10 and closed at 10, "
      .. "up 0 (0%). "
      .. "High 15 on 2024-01-03, low 8 on 2024-01-01; 2 periods closed up.",
      candle.describe(spec, candle.layout(spec, light, BOX)))
    assert.equal(1, #candle.layout(fixture.spec("candlestick", { ROWS[1] }, ENC), light, BOX).candles)
    local rows = render.rows(100000, function(i)
      local o = 100 + i % 17
      return { d = 1e9 + i * 60, o = o, h = o + 5, l = o - 5, c = o + (i % 3) - 1 }
    end)
    local enc = { x = { field = "d", type = "temporal" }, open = ENC.open, high = ENC.high, low = ENC.low,
      close = ENC.close }
    local l = candle.layout(fixture.spec("candlestick", rows, enc), light, BOX)
    -- more candles than pixel columns: merged per column (first open, last close, extremes)
    assert.same({ method = "ohlc per pixel column", points = 100000, drawn = #l.candles }, l.drawing)
    assert.is_true(#l.candles <= math.ceil(l.frame.plot.width) + 1, #l.candles)
    local hi, lo = -math.huge, math.huge
    for _, c in ipairs(l.candles) do hi, lo = math.max(hi, c.high), math.min(lo, c.low) end
    assert.same({ 121, 95 }, { hi, lo })
    assert.equal(100 + 1 % 17, l.candles[1].open)
    assert.equal(100 + 100000 % 17 + (100000 % 3) - 1, l.candles[#l.candles].close)
  end)
end)

describe("charts.candlestick rendering", function()
  for _, name in ipairs({ "light", "dark" }) do
    it("paints bodies in the direction colours (" .. name .. ")", function()
      local theme = themes.for_size(themes.get(name), BOX.width, BOX.height)
      local img = render.png({ type = "candlestick", data = { values = ROWS }, encoding = ENC, theme = name })
      local l = candle.layout(fixture.spec("candlestick", ROWS, ENC, nil, { theme = name }), theme, BOX)
      for _, c in ipairs({ l.candles[1], l.candles[3] }) do
        local b = c.body
        assert.equal(c.color, render.at(img, b.x + b.w / 4, b.y + b.h / 2))
      end
      local w = l.candles[3].wick
      assert.equal(l.candles[3].color, render.at(img, w.x, w.y0 + 2))
      assert.equal(theme.background, render.at(img, w.x + l.width, w.y0 + 2))
    end)
  end

  it("orders rows in C as the Lua sort by (x, row) does: ties, gaps, integers and floats", function()
    local order = require("chartd.columns").order
    local rnd = require("charts.shared.sample_rng").lcg(5)
    for round = 1, 30 do
      local n, xs = math.floor(rnd() * 300), {}
      for i = 1, n do
        local r = rnd()
        if r < 0.1 then xs[i] = nil
        elseif r < 0.5 then xs[i] = math.floor(rnd() * 10) -- integers, many ties
        elseif r < 0.7 then xs[i] = math.floor(rnd() * 10) + 0.0 -- the same as floats
        else xs[i] = (rnd() - 0.5) * 10 ^ math.floor(rnd() * 12) end
      end
      local want = {}
      for i = 1, n do if xs[i] ~= nil then want[#want + 1] = i end end
      table.sort(want, function(a, b)
        if xs[a] ~= xs[b] then return xs[a] < xs[b] end
        return a < b
      end)
      assert.same(want, order(xs, n), "round " .. round)
    end
    assert.is_nil(order({ 1, 0 / 0 }, 2))
    assert.is_nil(order({ 1, math.maxinteger }, 2))
  end)
end)
