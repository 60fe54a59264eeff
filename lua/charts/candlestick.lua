-- Candlestick (OHLC) chart: per period a wick from low to high and a body
-- from open to close, coloured by direction (close ≥ open: increase). Rows
-- are sorted by x; a row whose high is below its low is an invalid_data error.
local axes = require "charts.shared.axes"
local describe = require "charts.shared.describe"
local errors = require "util.errors"
local values = require "charts.shared.values"
local frame = require "layout.frame"
local waterfall = require "charts.waterfall"
local mapper = require("charts.scatter").mapper
local sample_rng = require "charts.shared.sample_rng"
local reduce = require "charts.shared.reduce"
local has_native, native = pcall(require, "chartd.columns")
local order_in_c = has_native and native.order or nil

local M = {
  name = "candlestick",
  mark = "bar", -- the role of its marks in the scene
  -- open/high/low/close are chart-specific channels (chartspec.validate
  -- accepts every channel a chart declares here).
  encodings = { required = { "x", "open", "high", "low", "close" }, optional = {} },
  options = {},
}

-- Body width as a share of the smallest gap between neighbouring periods.
M.BODY = 0.7

M.sample = {
  type = "candlestick",
  title = "ACME Corp. share price",
  subtitle = "Daily, USD, March 2024",
  data = { values = (function()
    local rows, rnd, price = {}, sample_rng.lcg(31), 100
    for day = 1, 31 do
      local wd = (day + 4) % 7 -- 2024-03-01 was a Friday (5): 6 and 0 are the weekend
      if wd ~= 6 and wd ~= 0 then
        local open = price
        local close = open + (rnd() - 0.47) * 4
        local high = math.max(open, close) + rnd() * 1.8
        local low = math.min(open, close) - rnd() * 1.8
        local r = function(v) return math.floor(v * 100 + 0.5) / 100 end
        rows[#rows + 1] = { date = ("2024-03-%02d"):format(day), open = r(open), high = r(high), low = r(low),
          close = r(close) }
        price = close
      end
    end
    return rows
  end)() },
  encoding = {
    x = { field = "date", type = "temporal", title = "Date" },
    open = { field = "open", type = "quantitative" },
    high = { field = "high", type = "quantitative" },
    low = { field = "low", type = "quantitative" },
    close = { field = "close", type = "quantitative", title = "Price (USD)" },
  },
}

-- M.rows(spec) → sorted { {x=, open=, high=, low=, close=, row=} } of complete rows.
function M.rows(spec)
  local df, enc = spec.data, spec.encoding
  local cols = {}
  values.measure(spec, "x", "candlestick positions", { allow_temporal = true })
  for _, ch in ipairs({ "x", "open", "high", "low", "close" }) do
    if ch ~= "x" and df.types[enc[ch].field] ~= "quantitative" then
      error(errors.new("invalid_spec", "encoding." .. ch .. ".field", ('"%s" must be a quantitative column')
        :format(enc[ch].field)))
    end
    cols[ch] = df.columns[enc[ch].field]
  end
  local x, open, high, low, close = cols.x, cols.open, cols.high, cols.low, cols.close
  for i = 1, df.nrows do
    if x[i] ~= nil and open[i] and high[i] and low[i] and high[i] < low[i] then
      error(errors.new("invalid_data", "data", ("row %d: high (%s) is below low (%s)"):format(i,
        describe.number_text(high[i]), describe.number_text(low[i]))))
    end
  end
  -- Rows by (x, row number): sorted in C when there (a Lua comparator is most of the cost of
  -- 100,000 candles), else here.
  local order = order_in_c and order_in_c(x, df.nrows)
  if not order then
    order = {}
    for i = 1, df.nrows do if x[i] ~= nil then order[#order + 1] = i end end
    table.sort(order, function(a, b)
      if x[a] ~= x[b] then return x[a] < x[b] end
      return a < b
    end)
  end
  local out = {}
  for _, i in ipairs(order) do
    if open[i] and high[i] and low[i] and close[i] then
      out[#out + 1] = { x = x[i], open = open[i], high = high[i], low = low[i], close = close[i], row = i }
    end
  end
  return out
end

function M.layout(spec, theme, box)
  local enc = spec.encoding
  local list = M.rows(spec)
  local xkind = enc.x.type == "temporal" and "time" or "linear"
  local lo, hi = math.huge, -math.huge
  for _, r in ipairs(list) do
    if r.low < lo then lo = r.low end
    if r.high > hi then hi = r.high end
  end
  local empty = #list == 0
  local x0, x1 = 0, 1
  if empty then lo, hi = 0, 1 else x0, x1 = list[1].x, list[#list].x end
  -- Half a period of room at both ends so the outer candles are whole.
  local gap = math.huge
  for i = 2, #list do
    local d = list[i].x - list[i - 1].x
    if d > 0 and d < gap then gap = d end
  end
  if gap == math.huge then gap = xkind == "time" and 86400 or 1 end
  x0, x1 = x0 - gap * 0.6, x1 + gap * 0.6
  local cols = waterfall.colors(theme)
  local f = frame.layout(spec, theme, box, {
    x = { scale_kind = xkind, domain = { x0, x1 }, nice = false, title = enc.x.title, format = enc.x.format,
      grain = xkind == "time" and describe.grain(spec) or nil },
    y = { scale_kind = "linear", domain = { lo, hi }, title = enc.close.title ~= "close" and enc.close.title
      or "Price", format = enc.close.format },
  })
  local sx, sy = f.x.scale, f.y.scale
  local width = math.max(1, math.abs(sx(x0 + gap) - sx(x0)) * M.BODY)
  local rows = #list
  list = M.per_column(list, sx, reduce.resolution(spec))
  if #list < rows then width = math.min(width, 1 / reduce.resolution(spec)) end
  for _, r in ipairs(list) do
    local cx = sx(r.x)
    local top, bottom = sy(math.max(r.open, r.close)), sy(math.min(r.open, r.close))
    r.up = r.close >= r.open
    r.color = r.up and cols.increase or cols.decrease
    r.body = { x = cx - width / 2, y = top, w = width, h = math.max(1, bottom - top) }
    r.wick = { x = cx, y0 = sy(r.high), y1 = sy(r.low) }
  end
  return { frame = f, candles = list, width = width, colors = cols, empty = empty,
    drawing = { method = #list < rows and "ohlc per pixel column" or "paths", points = rows, drawn = #list } }
end

-- Output-bounded candles: when there are more candles than pixel columns (res per unit), the
-- candles of one column become one — the first open, the last close, the highest high and
-- the lowest low, as a coarser period would show them. Sorted by x in, sorted out.
function M.per_column(list, sx, res)
  local plot_columns = math.abs(sx.range[2] - sx.range[1]) * res
  if #list <= plot_columns then return list end
  local out, cur, col = {}, nil, nil
  local x_of = mapper(sx)
  for _, r in ipairs(list) do
    local c = math.floor(x_of(r.x) * res)
    if cur and c == col then
      cur.close = r.close
      if r.high > cur.high then cur.high = r.high end
      if r.low < cur.low then cur.low = r.low end
    else
      cur, col = { x = r.x, open = r.open, high = r.high, low = r.low, close = r.close, row = r.row }, c
      out[#out + 1] = cur
    end
  end
  return out
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  for _, up in ipairs({ true, false }) do
    local col = up and layout.colors.increase or layout.colors.decrease
    c:new_path()
    for _, r in ipairs(layout.candles) do
      if r.up == up then
        local x = math.floor(r.wick.x) + 0.5
        c:move_to(x, r.wick.y0)
        c:line_to(x, r.wick.y1)
      end
    end
    c:set_line_width(1)
    c:set_color(col)
    c:stroke()
    c:new_path()
    for _, r in ipairs(layout.candles) do
      if r.up == up then c:rect(r.body.x, r.body.y, r.body.w, r.body.h) end
    end
    c:set_color(col)
    c:fill()
  end
  frame.draw_axes(c, layout.frame, theme)
  if layout.empty then axes.no_data(c, layout.frame, theme) end
end

function M.describe(spec, layout)
  local list = layout.candles
  local num = describe.number_text
  if #list == 0 then return "Candlestick chart with no data." end
  local first, last = list[1], list[#list]
  local hi, lo = list[1], list[1]
  local ups = 0
  for _, r in ipairs(list) do
    if r.high > hi.high then hi = r end
    if r.low < lo.low then lo = r end
    if r.up then ups = ups + 1 end
  end
  local change = last.close - first.open
  local pct = first.open ~= 0 and (" (%s%%)"):format(num(change / first.open * 100)) or ""
  local key = function(r) return describe.key_text(r.x, spec) end
  return ("Candlestick chart of %d periods from %s to %s: opened at %s and closed at %s, %s %s%s. High %s on %s, "
    .. "low %s on %s; %d periods closed up."):format(#list, key(first), key(last), num(first.open), num(last.close),
    change >= 0 and "up" or "down", num(math.abs(change)), pct, num(hi.high), key(hi), num(lo.low), key(lo), ups)
end


return M
