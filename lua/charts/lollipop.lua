-- Lollipop chart: a bar chart drawn as a thin stem and a dot at the value —
-- less ink for many categories. Shares charts.bar's series model, value
-- domain (always including zero) and bar geometry; only the marks differ.
local bar = require "charts.bar"
local axes = require "charts.shared.axes"
local describe = require "charts.shared.describe"
local series = require "charts.shared.series"

local M = {
  name = "lollipop",
  mark = "point", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = {} },
  options = { horizontal = "boolean" },
}

M.STEM = 2

M.sample = {
  type = "lollipop",
  title = "Most spoken languages",
  subtitle = "Total speakers, millions (2023)",
  data = { values = {
    { language = "English", speakers = 1456 }, { language = "Mandarin", speakers = 1138 },
    { language = "Hindi", speakers = 610 }, { language = "Spanish", speakers = 559 },
    { language = "French", speakers = 310 }, { language = "Arabic", speakers = 274 },
    { language = "Bengali", speakers = 273 }, { language = "Portuguese", speakers = 264 },
    { language = "Russian", speakers = 255 }, { language = "Urdu", speakers = 232 },
  } },
  encoding = {
    x = { field = "language", type = "nominal", title = "Language", sort = "-y" },
    y = { field = "speakers", type = "quantitative", title = "Speakers (millions)" },
  },
  options = { horizontal = true },
}

-- Stems from the zero line to the value and a dot at the value, from bar geometry.
function M.marks(bars, horizontal)
  local out = {}
  for i, b in ipairs(bars) do
    local m = { value = b.value, index = b.index }
    if horizontal then
      local cy = b.y + b.h / 2
      local neg = b.value < 0
      m.x0, m.y0, m.x1, m.y1 = neg and b.x + b.w or b.x, cy, neg and b.x or b.x + b.w, cy
    else
      local cx = b.x + b.w / 2
      local neg = b.value < 0
      m.x0, m.y0, m.x1, m.y1 = cx, neg and b.y or b.y + b.h, cx, neg and b.y + b.h or b.y
    end
    out[i] = m
  end
  return out
end

function M.layout(spec, theme, box)
  local horizontal = (spec.options or {}).horizontal and true or false
  local model = series.build(spec, { band = true, gaps = true })
  local domain = bar.value_domain(model)
  local f = axes.frame(spec, theme, box, {
    key = axes.key_axis(model, spec),
    value = { scale_kind = "linear", domain = domain, title = spec.encoding.y.title,
      format = spec.encoding.y.format, zero = true },
    horizontal = horizontal,
  })
  local vdomain = axes.value_domain(f, horizontal, domain)
  local bars = bar.geometry(model, f.plot, vdomain, { horizontal = horizontal })
  local r = math.max(3, math.min(7, (theme.point_radius or 3.5) * 1.6))
  return { frame = f, model = model, marks = M.marks(bars, horizontal), radius = r,
    color = axes.colors(model, theme, spec)[1], empty = #bars == 0 }
end

function M.draw(c, layout, theme)
  axes.draw_background(c, layout.frame, theme)
  c:new_path()
  for _, m in ipairs(layout.marks) do
    c:move_to(m.x0, m.y0)
    c:line_to(m.x1, m.y1)
  end
  c:set_line_width(M.STEM)
  c:set_line_cap("butt")
  c:set_color(layout.color)
  c:stroke()
  c:new_path()
  for _, m in ipairs(layout.marks) do
    c:move_to(m.x1 + layout.radius, m.y1)
    c:arc(m.x1, m.y1, layout.radius, 0, 2 * math.pi)
  end
  c:set_color(layout.color)
  c:fill()
  axes.draw_axes(c, layout.frame, theme)
  if layout.empty then axes.no_data(c, layout.frame, theme) end
end

function M.describe(spec, layout)
  return (describe.sentence("Lollipop", spec, layout.model))
end

return M
