-- Dumbbell chart: two values per category joined by a bar — before/after,
-- men/women, plan/actual. The two values come either from two fields
-- (encoding.y and encoding.y2) or from one field split by a colour with
-- exactly two levels (encoding.y + encoding.color). Several rows for the same
-- category and level are averaged. Categories run down the side by default.
local axes = require "charts.shared.axes"
local color = require "layout.color"
local describe = require "charts.shared.describe"
local errors = require "util.errors"
local transform = require "data.transform"

local M = {
  name = "dumbbell",
  mark = "point", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = { "y2", "color" } },
  options = { horizontal = "boolean" },
}

M.sample = {
  type = "dumbbell",
  title = "Gender pay gap by occupation",
  subtitle = "Median weekly earnings, USD (2023)",
  data = { values = {
    { job = "Software developers", women = 1920, men = 2245 }, { job = "Lawyers", women = 1935, men = 2495 },
    { job = "Physicians", women = 2055, men = 2875 }, { job = "Registered nurses", women = 1445, men = 1575 },
    { job = "Teachers", women = 1170, men = 1315 }, { job = "Accountants", women = 1280, men = 1590 },
    { job = "Retail sales", women = 650, men = 860 }, { job = "Cooks", women = 590, men = 640 },
  } },
  encoding = {
    x = { field = "job", type = "nominal", title = "Occupation" },
    y = { field = "women", type = "quantitative", title = "Women" },
    y2 = { field = "men", type = "quantitative", title = "Men" },
  },
}

-- M.pairs(spec) → { {key=, a=, b=}, ... } in first-seen order, and the two
-- level names. a/b are the means of y and y2 (or of y for the two colours).
function M.pairs(spec)
  local df, enc = spec.data, spec.encoding
  local view = { columns = { k = df.columns[enc.x.field], a = df.columns[enc.y.field] }, nrows = df.nrows }
  local names
  local rows = {}
  if enc.y2 and enc.y2.field then
    view.columns.b = df.columns[enc.y2.field]
    names = { enc.y.title or enc.y.field, enc.y2.title or enc.y2.field }
    local ga = transform.group(view, "k", "a", "mean")
    local gb = transform.group(view, "k", "b", "mean")
    for i, g in ipairs(ga) do rows[i] = { key = g.k, a = g.value, b = gb[i].value } end
  elseif enc.color and enc.color.field then
    view.columns.c = df.columns[enc.color.field]
    local levels, seen = {}, {}
    for i = 1, df.nrows do
      local c = view.columns.c[i]
      if c ~= nil and not seen[c] then seen[c] = true; levels[#levels + 1] = c end
    end
    if #levels ~= 2 then
      error(errors.new("invalid_data", "encoding.color.field", ('a dumbbell needs exactly 2 values of "%s"; found %d')
        :format(enc.color.field, #levels)))
    end
    names = { tostring(levels[1]), tostring(levels[2]) }
    local index, by = {}, {}
    for _, g in ipairs(transform.group(view, { "k", "c" }, "a", "mean")) do
      if g.c ~= nil then
        local r = by[g.k]
        if not r then r = { key = g.k }; by[g.k] = r; index[#index + 1] = r end
        if g.c == levels[1] then r.a = g.value else r.b = g.value end
      end
    end
    rows = index
  else
    error(errors.new("missing_encoding", "encoding.y2", "the dumbbell chart needs encoding.y2 (the second value) "
      .. "or encoding.color with exactly 2 values"))
  end
  local out = {}
  for _, r in ipairs(rows) do
    if r.key ~= nil and (r.a ~= nil or r.b ~= nil) then out[#out + 1] = r end
  end
  return out, names
end

function M.layout(spec, theme, box)
  local opts = spec.options or {}
  local horizontal = opts.horizontal ~= false
  local list, names = M.pairs(spec)
  local labels, lo, hi = {}, math.huge, -math.huge
  for i, r in ipairs(list) do
    r.label = describe.key_text(r.key, spec)
    labels[i] = r.label
    for _, v in ipairs({ r.a or r.b, r.b or r.a }) do lo, hi = math.min(lo, v), math.max(hi, v) end
  end
  local empty = #list == 0
  if empty then lo, hi = 0, 1 end
  -- A little room at both ends so no dot sits on the axis line.
  local pad = (hi - lo) * 0.05
  lo, hi = lo - pad, hi + pad
  local pal = color.palette(theme, 2)
  local yt = spec.encoding.y2 and spec.encoding.y.title ~= names[1] and spec.encoding.y.title or nil
  local f = axes.frame(spec, theme, box, {
    key = { scale_kind = "band", domain = labels, title = spec.encoding.x.title },
    value = { scale_kind = "linear", domain = { lo, hi }, title = yt, format = spec.encoding.y.format },
    legend = { items = { { label = names[1], color = pal[1], shape = "circle" },
      { label = names[2], color = pal[2], shape = "circle" } } },
    horizontal = horizontal,
  })
  local band, val = f.x.scale, f.y.scale
  for _, r in ipairs(list) do
    r.c = band:center(r.label)
    r.pa = r.a and val(r.a)
    r.pb = r.b and val(r.b)
  end
  local radius = math.max(3, math.min(7, band:bandwidth() * 0.3))
  return { frame = f, rows = list, names = names, colors = pal, horizontal = horizontal, radius = radius,
    empty = empty }
end

function M.draw(c, layout, theme)
  axes.draw_background(c, layout.frame, theme)
  local hz = layout.horizontal
  local function xy(cpos, vpos) if hz then return vpos, cpos end return cpos, vpos end
  c:new_path()
  for _, r in ipairs(layout.rows) do
    if r.pa and r.pb then
      local x0, y0 = xy(r.c, r.pa)
      local x1, y1 = xy(r.c, r.pb)
      c:move_to(x0, y0)
      c:line_to(x1, y1)
    end
  end
  c:set_line_width(math.max(2, layout.radius * 0.6))
  c:set_line_cap("butt")
  c:set_color(color.mix(theme.muted, theme.background, 0.4))
  c:stroke()
  for side, key in ipairs({ "pa", "pb" }) do
    c:new_path()
    for _, r in ipairs(layout.rows) do
      if r[key] then
        local x, y = xy(r.c, r[key])
        c:move_to(x + layout.radius, y)
        c:arc(x, y, layout.radius, 0, 2 * math.pi)
      end
    end
    c:set_color(layout.colors[side])
    c:fill()
  end
  axes.draw_axes(c, layout.frame, theme)
  if layout.empty then axes.no_data(c, layout.frame, theme) end
end

function M.describe(_, layout)
  local num = describe.number_text
  local a, b = layout.names[1], layout.names[2]
  local head = ("Dumbbell chart comparing %s and %s across %d %s"):format(a, b, #layout.rows,
    #layout.rows == 1 and "category" or "categories")
  local best, more_b = nil, 0
  for _, r in ipairs(layout.rows) do
    if r.a and r.b then
      if r.b > r.a then more_b = more_b + 1 end
      if not best or math.abs(r.b - r.a) > math.abs(best.b - best.a) then best = r end
    end
  end
  if not best then return head .. "." end
  return ("%s. %s is higher than %s in %d of %d; the largest gap is %s (%s vs %s)."):format(head, b, a, more_b,
    #layout.rows, best.label, num(best.a), num(best.b))
end

return M
