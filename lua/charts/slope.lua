-- Slope chart: one line per category between exactly two x values (two
-- years, before/after), labelled at both ends with the category and value.
-- End labels are pushed apart vertically so they never overlap.
local format = require "layout.format"
local color = require "layout.color"
local describe = require "charts.shared.describe"
local errors = require "util.errors"
local frame = require "layout.frame"
local series = require "charts.shared.series"
local text = require "layout.text"
local ticks = require "layout.ticks"
local axes = require "charts.shared.axes"

local M = {
  name = "slope",
  mark = "line", -- the role of its marks in the scene
  encodings = { required = { "x", "y", "color" }, optional = {} },
  options = {},
}

M.LABEL_GAP = 14  -- dot to label: room for a leader line when labels are dodged apart
M.LEADER_MIN = 1.5 -- px a label must have moved from its dot to get a leader line
M.MAX_LABEL = 180 -- px before a label is cut with an ellipsis

M.sample = {
  type = "slope",
  title = "Share of electricity from renewables",
  subtitle = "Percent of generation, 2013 vs 2023",
  data = { values = {
    { year = "2013", share = 25.1, country = "Germany" }, { year = "2023", share = 52.4, country = "Germany" },
    { year = "2013", share = 13.9, country = "United Kingdom" },
    { year = "2023", share = 46.4, country = "United Kingdom" },
    { year = "2013", share = 21.0, country = "France" }, { year = "2023", share = 27.1, country = "France" },
    { year = "2013", share = 12.3, country = "United States" },
    { year = "2023", share = 22.7, country = "United States" },
    { year = "2013", share = 20.2, country = "China" }, { year = "2023", share = 31.1, country = "China" },
    { year = "2013", share = 11.4, country = "Japan" }, { year = "2023", share = 23.0, country = "Japan" },
    { year = "2013", share = 75.9, country = "Brazil" }, { year = "2023", share = 89.2, country = "Brazil" },
    { year = "2013", share = 16.0, country = "India" }, { year = "2023", share = 19.5, country = "India" },
  } },
  encoding = {
    x = { field = "year", type = "ordinal", title = "Year" },
    y = { field = "share", type = "quantitative", title = "Renewables share (%)" },
    color = { field = "country", type = "nominal", title = "Country" },
  },
}

-- Spreads label centres (sorted by their wanted y) so neighbours are at
-- least `gap` apart, staying inside [lo, hi]: push down, then pull back up.
-- More labels than fit are thinned first: every k-th (in order of y) keeps its label,
-- the others are marked `hidden` (their dots and lines stay). Returns how many were hidden.
function M.spread(items, gap, lo, hi)
  table.sort(items, function(a, b) return a.want < b.want end)
  local fit = math.max(1, math.floor((hi - lo) / gap) + 1)
  local hidden = 0
  if #items > fit then
    local k = math.ceil(#items / fit)
    local kept = {}
    for i, it in ipairs(items) do
      if (i - 1) % k == 0 then kept[#kept + 1] = it else it.hidden = true; hidden = hidden + 1 end
    end
    for i = #items, 1, -1 do items[i] = nil end
    for i, it in ipairs(kept) do items[i] = it end
  end
  for i, it in ipairs(items) do
    it.y = it.want
    if i > 1 and it.y < items[i - 1].y + gap then it.y = items[i - 1].y + gap end
  end
  for i = #items, 1, -1 do
    local it = items[i]
    local limit = i == #items and hi or items[i + 1].y - gap
    if it.y > limit then it.y = limit end
  end
  for i, it in ipairs(items) do
    if it.y < lo then it.y = lo end
    if i > 1 and it.y < items[i - 1].y + gap then it.y = items[i - 1].y + gap end
  end
  return items, hidden
end

function M.layout(spec, theme, box)
  local model = series.build(spec, { band = true, gaps = true })
  if #model.keys ~= 2 then
    error(errors.new("invalid_data", "encoding.x.field", ('a slope chart needs exactly 2 values of "%s" (e.g. two '
      .. "years); found %d"):format(spec.encoding.x.field, #model.keys)))
  end
  local keys = axes.key_labels(model, spec)
  local f = frame.layout_simple(spec, theme, box, nil)
  local p = f.plot
  local font = text.font(theme, "label")
  local head_font = text.font(theme, "axis_title", "bold")
  local lh = text.line_height(font)
  local pal = color.palette(theme, #model.series)
  local lo, hi = math.huge, -math.huge
  local lines = {}
  local all = {}
  for _, s in ipairs(model.series) do all[#all + 1] = s.values[1]; all[#all + 1] = s.values[2] end
  local num = format.for_values(all, { number = theme.number })
  -- A name gets what its label column leaves after the widest value, with at least 40 px for
  -- the slopes between the columns: on a narrow canvas (a phone's) names shorten instead of
  -- running off the edge.
  local widest = 0
  for _, v in ipairs(all) do widest = math.max(widest, text.width(num(v) .. "  ", font)) end
  local name_w = math.max(text.width("M\u{2026}M", font),
    math.min(M.MAX_LABEL, p.width * 0.22, (p.width - 40) / 2 - M.LABEL_GAP - widest))
  local wl, wr = 0, 0
  for si, s in ipairs(model.series) do
    local a, b = s.values[1], s.values[2]
    if a ~= nil or b ~= nil then
      -- a or b may be missing (a category with one of the two years only): not ipairs,
      -- which stops at the first nil and left the domain empty (found by fuzz_render)
      if a then lo, hi = math.min(lo, a), math.max(hi, a) end
      if b then lo, hi = math.min(lo, b), math.max(hi, b) end
      -- Names share the width with the values on both sides: shortened in the middle.
      local name = text.shorten(tostring(s.name), font, name_w)
      local l = { name = tostring(s.name), a = a, b = b, color = pal[si],
        left = a and (name .. "  " .. num(a)), right = b and (num(b) .. "  " .. name) }
      if l.left then wl = math.max(wl, text.width(l.left, font)) end
      if l.right then wr = math.max(wr, text.width(l.right, font)) end
      lines[#lines + 1] = l
    end
  end
  if #lines == 0 then lo, hi = 0, 1 end
  lo, hi = ticks.expand(lo, hi)
  local head_h = text.line_height(head_font) + 8
  local top, bottom = p.y + head_h + lh / 2, p.y + p.height - lh / 2
  local x0 = p.x + wl + M.LABEL_GAP
  local x1 = p.x + p.width - wr - M.LABEL_GAP
  if x1 - x0 < 40 then x0, x1 = p.x + p.width * 0.3, p.x + p.width * 0.7 end
  local function ypos(v) return bottom - (v - lo) / (hi - lo) * (bottom - top) end
  local left, right = {}, {}
  for _, l in ipairs(lines) do
    l.y0, l.y1 = l.a and ypos(l.a), l.b and ypos(l.b)
    if l.left then left[#left + 1] = { line = l, want = l.y0 } end
    if l.right then right[#right + 1] = { line = l, want = l.y1 } end
  end
  local _, hl = M.spread(left, lh + 1, top, bottom)
  local _, hr = M.spread(right, lh + 1, top, bottom)
  for _, it in ipairs(left) do it.line.label_y0 = it.y end
  for _, it in ipairs(right) do it.line.label_y1 = it.y end
  -- The two period names share the width between the columns.
  local head_w = math.max(20, 2 * math.min((x1 - x0) / 2 - 4, x0 - p.x, p.x + p.width - x1))
  for i = 1, 2 do keys[i] = text.shorten(keys[i], head_font, head_w) end
  return { frame = f, model = model, lines = lines, x0 = x0, x1 = x1, top = top, bottom = bottom, keys = keys,
    head_y = p.y, font = font, head_font = head_font, hidden = hl + hr }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local x0, x1 = layout.x0, layout.x1
  c:new_path()
  c:set_color(theme.grid)
  c:set_line_width(1)
  for _, x in ipairs({ x0, x1 }) do
    c:move_to(math.floor(x) + 0.5, layout.top)
    c:line_to(math.floor(x) + 0.5, layout.bottom)
  end
  c:stroke()
  c:text(layout.keys[1], x0, layout.head_y, { font = layout.head_font, color = theme.foreground, align = "center",
    valign = "top", role = "tick-label" })
  c:text(layout.keys[2], x1, layout.head_y, { font = layout.head_font, color = theme.foreground, align = "center",
    valign = "top", role = "tick-label" })
  local r = theme.point_radius or 3.5
  for _, l in ipairs(layout.lines) do
    if l.y0 and l.y1 then
      c:new_path()
      c:move_to(x0, l.y0)
      c:line_to(x1, l.y1)
      c:set_color(l.color)
      c:set_line_width(theme.line_width or 2)
      c:stroke()
    end
    for _, q in ipairs({ { x0, l.y0 }, { x1, l.y1 } }) do
      if q[2] then
        c:new_path()
        c:arc(q[1], q[2], r, 0, 2 * math.pi)
        c:set_color(l.color)
        c:fill()
      end
    end
    -- A label dodged away from its dot is tied to it by a thin line in the series' colour.
    c:set_line_width(1)
    c:set_color(l.color)
    if l.left and l.label_y0 and l.y0 and math.abs(l.label_y0 - l.y0) > M.LEADER_MIN then
      c:new_path()
      c:move_to(x0 - r - 1, l.y0)
      c:line_to(x0 - M.LABEL_GAP + 3, l.label_y0)
      c:stroke()
    end
    if l.right and l.label_y1 and l.y1 and math.abs(l.label_y1 - l.y1) > M.LEADER_MIN then
      c:new_path()
      c:move_to(x1 + r + 1, l.y1)
      c:line_to(x1 + M.LABEL_GAP - 3, l.label_y1)
      c:stroke()
    end
    if l.left and l.label_y0 then
      c:text(l.left, x0 - M.LABEL_GAP, l.label_y0, { font = layout.font, color = theme.foreground, align = "right",
        valign = "middle", role = "data-label", value = l.a })
    end
    if l.right and l.label_y1 then
      c:text(l.right, x1 + M.LABEL_GAP, l.label_y1, { font = layout.font, color = theme.foreground, align = "left",
        valign = "middle", role = "data-label", value = l.b })
    end
  end
  c:record_thinned("y", layout.hidden)
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local num = describe.number_text
  local what = spec.encoding.y.title or spec.encoding.y.field
  local up, rise, fall = 0, nil, nil
  local both = 0
  for _, l in ipairs(layout.lines) do
    if l.a and l.b then
      both = both + 1
      local d = l.b - l.a
      if d > 0 then up = up + 1 end
      if not rise or d > rise.b - rise.a then rise = l end
      if not fall or d < fall.b - fall.a then fall = l end
    end
  end
  local head = ("Slope chart of %s from %s to %s for %d %s."):format(what, layout.keys[1], layout.keys[2],
    #layout.lines, #layout.lines == 1 and "category" or "categories")
  if not rise then return head end
  local text_ = ("%s %d of %d rose; the largest rise is %s (%s to %s)"):format(head, up, both, rise.name,
    num(rise.a), num(rise.b))
  if fall ~= rise then
    text_ = text_ .. ("; the smallest change is %s (%s to %s)"):format(fall.name, num(fall.a), num(fall.b))
  end
  return text_ .. "."
end

return M
