-- Histogram: a quantitative x cut into equal bins (data.transform's bin), one
-- touching bar per bin whose height is the count (or y's aggregate) in it.
local color = require "layout.color"
local frame = require "layout.frame"
local axes = require "charts.shared.axes"
local transform = require "data.transform"
local errors = require "util.errors"
local shared_values = require "charts.shared.values"
local describe = require "charts.shared.describe"
local sample_rng = require "charts.shared.sample_rng"

local M = {
  name = "histogram",
  mark = "bar", -- the role of its marks in the scene
  encodings = { required = { "x" }, optional = { "y" } },
  options = {},
}

-- At most this many bins get their edges as x ticks; more would crowd the axis.
M.EDGE_TICKS = 12

-- Without a bin setting the bin count follows Sturges' rule (log2 n + 1),
-- kept between 5 and 50 so tiny and huge data both read well.
function M.auto_maxbins(n)
  if n < 2 then return 5 end
  return math.max(5, math.min(50, math.ceil(math.log(n, 2) + 1)))
end

-- M.bins(spec) → { edges = {...}, values = {...per bin}, counts = {...}, step =, n = }.
-- values are counts, unless y carries a field and an aggregate other than count.
function M.bins(spec)
  local df, x, y = spec.data, spec.encoding.x, spec.encoding.y
  local col = shared_values.measure(spec, "x", "histogram bins")
  local n = 0
  for i = 1, df.nrows do if col[i] ~= nil then n = n + 1 end end
  local opts = {}
  if type(x.bin) == "table" then
    opts.maxbins, opts.step, opts.extent = x.bin.maxbins, x.bin.step, x.bin.extent
    if opts.step then opts.maxbins = nil end
  else
    opts.maxbins = M.auto_maxbins(n)
  end
  local values = { n = df.nrows }
  for i = 1, df.nrows do values[i] = col[i] end
  local b, err = transform.bin(values, opts)
  if not b then error(errors.new("invalid_data", "encoding.x.bin", err)) end
  b.n = n
  b.values = b.counts
  local op = y and y.aggregate
  if y and y.field and op and op ~= "count" then
    -- Rows are put into bins by the same edges transform.bin counted with.
    local ycol = df.columns[y.field]
    local per = {}
    local k = #b.counts
    for j = 1, k do per[j] = {} end
    for i = 1, df.nrows do
      local v = col[i]
      if v ~= nil and v >= b.edges[1] and v <= b.edges[k + 1] then
        local lo, hi = 1, k
        while lo < hi do
          local mid = (lo + hi + 1) // 2
          if v >= b.edges[mid] then lo = mid else hi = mid - 1 end
        end
        local list = per[lo]
        list[#list + 1] = ycol[i]
      end
    end
    b.values = {}
    for j = 1, k do b.values[j] = transform.aggregate(per[j], op) or 0 end
  end
  return b
end

function M.layout(spec, theme, box)
  local b = M.bins(spec)
  local k = #b.counts
  local x, y = spec.encoding.x, spec.encoding.y
  local top = 0
  for j = 1, k do if b.values[j] > top then top = b.values[j] end end
  local lo, hi = b.edges[1], b.edges[k + 1]
  local empty = k == 0
  if empty then lo, hi = 0, 1 end
  local xaxis = { scale_kind = "linear", domain = { lo, hi }, nice = false, title = x.title, format = x.format }
  if k > 0 and k <= M.EDGE_TICKS then xaxis.ticks = b.edges end
  local ytitle = (y and y.title) or "Count of records"
  local f = frame.layout(spec, theme, box, {
    x = xaxis,
    y = { scale_kind = "linear", domain = { 0, math.max(top, empty and 1 or top) }, title = ytitle, zero = true,
      format = y and y.format, integer = not (y and y.aggregate and y.aggregate ~= "count") },
  })
  local sx, sy = f.x.scale, f.y.scale
  local base = sy(0)
  local bars = {}
  for j = 1, k do
    local x0, x1 = sx(b.edges[j]), sx(b.edges[j + 1])
    local yt = sy(b.values[j])
    bars[j] = { x = x0, width = x1 - x0, y = math.min(yt, base), height = math.abs(base - yt),
      lo = b.edges[j], hi = b.edges[j + 1], value = b.values[j] }
  end
  return { frame = f, bars = bars, bins = b, color = color.palette(theme, 1)[1],
    note = empty and "No data" or nil }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  c:new_path()
  for _, bar in ipairs(layout.bars) do
    if bar.height > 0 then c:rect(bar.x, bar.y, bar.width, bar.height) end
  end
  c:set_color(layout.color)
  c:fill_preserve()
  -- Bars touch; a hairline in the background colour still shows each bin's edge.
  c:set_color(theme.background)
  c:set_line_width(1)
  c:stroke()
  if layout.note then axes.note(c, layout.frame, theme, layout.note) end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local b = layout.bins
  local what = spec.encoding.x.title or spec.encoding.x.field
  if #layout.bars == 0 then return string.format("Histogram of %s with no data.", what) end
  local best = layout.bars[1]
  for _, bar in ipairs(layout.bars) do if bar.value > best.value then best = bar end end
  local num = describe.number_text
  return string.format(
    "Histogram of %s: %s value%s in %d bin%s of width %s from %s to %s; the tallest bin is %s–%s (%s).", what,
    num(b.n), b.n == 1 and "" or "s", #layout.bars, #layout.bars == 1 and "" or "s", num(b.step), num(b.edges[1]),
    num(b.edges[#b.edges]), num(best.lo), num(best.hi), num(best.value))
end

M.sample = {
  type = "histogram",
  title = "Commute times",
  subtitle = "Minutes, one-way, 240 survey answers",
  data = { values = (function()
    local rows, rnd = {}, sample_rng.lcg(11)
    -- A right-skewed, realistic shape: most around 25 minutes, a long tail.
    for _ = 1, 240 do
      local z = rnd() + rnd() + rnd() - 1.5
      local v = 27 + z * 14 + (rnd() < 0.15 and rnd() * 40 or 0)
      rows[#rows + 1] = { minutes = math.max(2, math.floor(v + 0.5)) }
    end
    return rows
  end)() },
  encoding = {
    x = { field = "minutes", type = "quantitative", bin = { maxbins = 15 }, title = "Commute (minutes)" },
    y = { aggregate = "count", title = "Respondents" },
  },
}

-- data_summary: one row per bin, [start, end) and its count (or aggregate).
function M.summary(spec, layout)
  local b, y = layout.bins, spec.encoding.y
  local vname = (y and y.field and y.aggregate and y.aggregate ~= "count") and y.field or "count"
  local rows = {}
  for j = 1, #b.counts do rows[j] = { b.edges[j], b.edges[j + 1], b.values[j] } end
  return require("charts.shared.summary").table({ "bin_start", "bin_end", vname }, rows)
end

return M
