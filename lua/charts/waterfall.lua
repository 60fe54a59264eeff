-- Waterfall chart: each category's change floats from the running total
-- before it to the total after it; increases, decreases and the final total
-- get their own colours (theme.increase/decrease/total, else palette green,
-- red and the first colour), and thin connectors carry the level across.
local axes = require "charts.shared.axes"
local color = require "layout.color"
local describe = require "charts.shared.describe"
local series = require "charts.shared.series"

local M = {
  name = "waterfall",
  mark = "bar", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = {} },
  -- total: append a bar from zero to the final running total (default true);
  -- total_label: its category name (default "Total").
  options = { total = "boolean", total_label = "string", horizontal = "boolean" },
}

M.sample = {
  type = "waterfall",
  title = "From revenue to net income",
  subtitle = "FY2024, millions of EUR",
  data = { values = {
    { item = "Revenue", amount = 420 }, { item = "Cost of sales", amount = -185 },
    { item = "Operating costs", amount = -96 }, { item = "Other income", amount = 22 },
    { item = "Interest", amount = -14 }, { item = "Tax", amount = -37 },
  } },
  encoding = {
    x = { field = "item", type = "nominal", title = "Item" },
    y = { field = "amount", type = "quantitative", title = "EUR (millions)" },
  },
  options = { total_label = "Net income" },
}

-- The three colours: the theme's own if it has them.
function M.colors(theme)
  local pal = color.palette(theme, 5)
  return { increase = theme.increase or pal[5], decrease = theme.decrease or pal[3], total = theme.total or pal[1] }
end

-- M.steps(keys, values, total_label) → { {key=, label=, delta=, start=, finish=, kind="increase"|"decrease"|"total"} }
-- start/finish are running totals; nil values count as 0.
function M.steps(keys, values, total_label)
  local out, run = {}, 0
  for i, k in ipairs(keys) do
    local d = values[i] or 0
    out[i] = { key = k, delta = d, start = run, finish = run + d, kind = d >= 0 and "increase" or "decrease" }
    run = run + d
  end
  if total_label then
    out[#out + 1] = { key = total_label, label = total_label, delta = run, start = 0, finish = run, kind = "total" }
  end
  return out
end

function M.layout(spec, theme, box)
  local opts = spec.options or {}
  local model = series.build(spec, { band = true })
  local s = model.series[1] or { values = {} }
  local with_total = opts.total ~= false and #model.keys > 0
  local steps = M.steps(model.keys, s.values, with_total and (opts.total_label or "Total") or nil)
  local labels = axes.key_labels(model, spec)
  local lo, hi = 0, 0
  for i, st in ipairs(steps) do
    st.label = st.label or labels[i]
    lo, hi = math.min(lo, st.start, st.finish), math.max(hi, st.start, st.finish)
  end
  if lo == hi then hi = lo + 1 end
  local names = {}
  for i, st in ipairs(steps) do names[i] = st.label end
  local horizontal = opts.horizontal == true
  local cols = M.colors(theme)
  local legend = { items = {
    { label = "Increase", color = cols.increase }, { label = "Decrease", color = cols.decrease } } }
  if with_total then legend.items[3] = { label = "Total", color = cols.total } end
  local f = axes.frame(spec, theme, box, {
    key = { scale_kind = "band", domain = names, title = spec.encoding.x.title },
    value = { scale_kind = "linear", domain = { lo, hi }, title = spec.encoding.y.title,
      format = spec.encoding.y.format, zero = true },
    legend = legend, horizontal = horizontal,
  })
  local band, val = f.x.scale, f.y.scale
  local bw = band:bandwidth()
  for _, st in ipairs(steps) do
    local c0 = band(st.label)
    local p0, p1 = val(st.start), val(st.finish)
    if horizontal then
      st.rect = { x = math.min(p0, p1), y = c0, w = math.abs(p1 - p0), h = bw }
    else
      st.rect = { x = c0, y = math.min(p0, p1), w = bw, h = math.abs(p1 - p0) }
    end
    st.color = cols[st.kind]
    st.level = p1
  end
  -- Connectors: from one bar's end level to the next bar.
  local links = {}
  for i = 1, #steps - 1 do
    local a, b = steps[i].rect, steps[i + 1].rect
    if horizontal then
      links[i] = { steps[i].level, a.y + a.h, steps[i].level, b.y }
    else
      links[i] = { a.x + a.w, steps[i].level, b.x, steps[i].level }
    end
  end
  return { frame = f, steps = steps, links = links, horizontal = horizontal, model = model,
    empty = #steps == 0 }
end

function M.draw(c, layout, theme)
  axes.draw_background(c, layout.frame, theme)
  for _, st in ipairs(layout.steps) do
    local r = st.rect
    c:new_path()
    -- A zero change still shows as a hairline at its level.
    if layout.horizontal then c:rect(r.x, r.y, math.max(r.w, 1), r.h)
    else c:rect(r.x, r.y, r.w, math.max(r.h, 1)) end
    c:set_color(st.color)
    c:fill()
  end
  c:new_path()
  for _, l in ipairs(layout.links) do
    c:move_to(l[1], l[2])
    c:line_to(l[3], l[4])
  end
  c:set_line_width(1)
  c:set_dash({ 3, 2 })
  c:set_color(theme.muted)
  c:stroke()
  c:set_dash({})
  axes.draw_axes(c, layout.frame, theme)
  if layout.empty then axes.no_data(c, layout.frame, theme) end
end

function M.describe(spec, layout)
  local num = describe.number_text
  local steps = layout.steps
  local what = spec.encoding.y.title or spec.encoding.y.field
  if #steps == 0 then return ("Waterfall chart of %s with no data."):format(what) end
  local up, down
  local final = 0
  for _, st in ipairs(steps) do
    if st.kind ~= "total" then
      if not up or st.delta > up.delta then up = st end
      if not down or st.delta < down.delta then down = st end
      final = st.finish
    end
  end
  local text = ("Waterfall chart of %s over %d steps, ending at a running total of %s."):format(what,
    #steps - (steps[#steps].kind == "total" and 1 or 0), num(final))
  if up and up.delta > 0 then text = text .. (" Largest increase: %s (+%s)."):format(up.label, num(up.delta)) end
  if down and down.delta < 0 then text = text .. (" Largest decrease: %s (%s)."):format(down.label, num(down.delta)) end
  return text
end

return M
