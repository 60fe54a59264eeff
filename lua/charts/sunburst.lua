-- Sunburst: a hierarchy of two or three nominal fields (level1 → level2 →
-- level3) as rings around a centre showing the total; each arc's angle is
-- proportional to its summed size and nests inside its parent's arc.
local color = require "layout.color"
local frame = require "layout.frame"
local text = require "layout.text"
local transform = require "data.transform"
local describe = require "charts.shared.describe"
local values = require "charts.shared.values"
local pie = require "charts.pie"

local TAU = 2 * math.pi
local TOP = -math.pi / 2

local M = {
  name = "sunburst",
  mark = "slice", -- the role of its marks in the scene
  encodings = { required = { "size", "level1", "level2" }, optional = { "level3" } },
  options = { labels = "boolean" },
}

M.HOLE = 0.28 -- the centre's radius as a share of the outer radius

local function sort_desc(list)
  for i, n in ipairs(list) do n._i = i end
  table.sort(list, function(a, b)
    if a.value ~= b.value then return a.value > b.value end
    return a._i < b._i
  end)
  for _, n in ipairs(list) do n._i = nil end
end

-- The tree: { value=, children = { {label=, value=, depth=, children=}, ... } },
-- sizes summed per path (size.aggregate may say otherwise for the leaves).
function M.tree(spec)
  values.nonnegative(spec, "size", "sunburst arcs")
  for _, level in ipairs({ "level1", "level2", "level3" }) do values.category(spec, level, "sunburst rings") end
  local enc = spec.encoding
  local fields = { enc.level1.field, enc.level2.field }
  if enc.level3 and enc.level3.field then fields[3] = enc.level3.field end
  local rows = transform.group(spec.data, fields, enc.size.field, enc.size.aggregate or "sum")
  local root = { value = 0, children = {}, index = {}, depth = 0 }
  for _, r in ipairs(rows) do
    local v = r.value or 0
    if v > 0 then
      local node = root
      node.value = node.value + v
      for d, fname in ipairs(fields) do
        local key = values.key_text(r[fname])
        local child = node.index[key]
        if not child then
          child = { label = key, value = 0, children = {}, index = {}, depth = d, parent = node }
          node.index[key] = child
          node.children[#node.children + 1] = child
        end
        child.value = child.value + v
        node = child
      end
    end
  end
  return root, #fields
end

function M.layout(spec, theme, box)
  local root, depth = M.tree(spec)
  local items = {}
  sort_desc(root.children)
  local colors = color.palette(theme, math.max(1, #root.children))
  for i, c in ipairs(root.children) do items[i] = { label = c.label, color = colors[i], shape = "square" } end
  local f = frame.layout_simple(spec, theme, box, #items > 0 and { title = spec.encoding.level1.title,
    items = items } or nil)
  local p = f.plot
  local R = math.max(10, math.min(p.width, p.height) / 2 - 2)
  local cx, cy = p.x + p.width / 2, p.y + p.height / 2
  local hole = R * M.HOLE
  local ring = (R - hole) / depth
  local arcs = {}
  local lfont = text.font(theme, "label")
  local lh = text.line_height(lfont)
  local function place(node, a0, a1, base)
    sort_desc(node.children)
    local a = a0
    for k, c in ipairs(node.children) do
      local span = node.value > 0 and (a1 - a0) * c.value / node.value or 0
      c.a0, c.a1 = a, a + span
      if k == #node.children then c.a1 = a1 end
      a = c.a1
      c.r0, c.r1 = hole + ring * (c.depth - 1), hole + ring * c.depth
      -- Children are lighter shades of their level-1 ancestor, alternating so neighbours differ.
      c.color = base or colors[k]
      if base then c.color = color.mix(base, theme.background, 0.18 + 0.16 * ((k - 1) % 2) + 0.08 * (c.depth - 2)) end
      c.fraction = root.value > 0 and c.value / root.value or 0
      if spec.options.labels ~= false then
        local am, rm = (c.a0 + c.a1) / 2, (c.r0 + c.r1) / 2
        local tw = text.width(c.label, lfont)
        if tw + 6 <= c.r1 - c.r0 and lh <= (c.a1 - c.a0) * c.r0 * 0.9 then
          -- Along the radius, turned to read left to right on both halves.
          local ang = am
          if math.cos(am) < 0 then ang = am + math.pi end
          c.label_pos = { x = cx + rm * math.cos(am), y = cy + rm * math.sin(am), angle = ang,
            color = color.contrast_text(c.color, theme) }
        end
      end
      arcs[#arcs + 1] = c
      place(c, c.a0, c.a1, c.color)
    end
  end
  place(root, TOP, TOP + TAU, nil)
  local center
  if root.value > 0 then
    local big = { family = theme.font, size = theme.font_sizes.subtitle, weight = "bold" }
    local t = describe.number_text(root.value)
    if text.width(t, big) <= hole * 1.7 then center = { text = t, font = big, value = root.value } end
  end
  return { frame = f, root = root, arcs = arcs, cx = cx, cy = cy, r = R, hole = hole, depth = depth,
    label_font = lfont, center = center }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  local cx, cy = layout.cx, layout.cy
  for _, a in ipairs(layout.arcs) do
    if a.a1 > a.a0 then
      c:new_path()
      c:arc(cx, cy, a.r1, a.a0, a.a1)
      c:arc_negative(cx, cy, a.r0, a.a1, a.a0)
      c:close_path()
      c:set_color(a.color)
      c:fill_preserve()
      c:set_color(theme.background)
      c:set_line_width(1)
      c:stroke()
    end
  end
  for _, a in ipairs(layout.arcs) do
    local lp = a.label_pos
    if lp then
      c:text(a.label, lp.x, lp.y, { font = layout.label_font, color = lp.color, align = "center", valign = "middle",
        angle = lp.angle, role = "data-label" })
    end
  end
  if layout.center then
    c:text(layout.center.text, cx, cy, { font = layout.center.font, color = theme.foreground, align = "center",
      valign = "middle", role = "data-label", value = layout.center.value })
  end
  if #layout.arcs == 0 then
    c:text("No data", cx, cy, { font = { family = theme.font, size = theme.font_sizes.note }, color = theme.muted,
      align = "center", valign = "middle", role = "note" })
  end
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local enc = spec.encoding
  local what = enc.size.title or "values"
  local root = layout.root
  if #root.children == 0 then return "Sunburst of " .. what .. " with no data." end
  local levels = { enc.level1.title, enc.level2.title, enc.level3 and enc.level3.title }
  local parts = {}
  for i = 1, math.min(3, #root.children) do
    local c = root.children[i]
    parts[i] = string.format("%s %s", c.label, pie.percent_text(c.fraction))
  end
  local top = root.children[1]
  local sub = top.children[1]
  return string.format("Sunburst of %s (total %s) by %s; %d %s, largest: %s. Inside %s the largest part is %s (%s).",
    what, describe.number_text(root.value), table.concat(levels, " → "), #root.children,
    (enc.level1.title or "groups"):lower(), table.concat(parts, ", "), top.label, sub.label,
    describe.number_text(sub.value))
end

M.sample = {
  type = "sunburst",
  title = "Where the energy goes",
  subtitle = "Final energy use by sector and use, TWh",
  data = { values = {
    { sector = "Industry", use = "Heat", source = "Gas", twh = 180 },
    { sector = "Industry", use = "Heat", source = "Coal", twh = 60 },
    { sector = "Industry", use = "Motors", source = "Electricity", twh = 110 },
    { sector = "Industry", use = "Other", source = "Electricity", twh = 35 },
    { sector = "Transport", use = "Road", source = "Oil", twh = 340 },
    { sector = "Transport", use = "Road", source = "Electricity", twh = 18 },
    { sector = "Transport", use = "Aviation", source = "Oil", twh = 95 },
    { sector = "Transport", use = "Rail", source = "Electricity", twh = 22 },
    { sector = "Homes", use = "Heating", source = "Gas", twh = 210 },
    { sector = "Homes", use = "Heating", source = "Heat pumps", twh = 40 },
    { sector = "Homes", use = "Appliances", source = "Electricity", twh = 75 },
    { sector = "Services", use = "Heating", source = "Gas", twh = 90 },
    { sector = "Services", use = "Lighting", source = "Electricity", twh = 45 },
  } },
  encoding = {
    level1 = { field = "sector", type = "nominal", title = "Sector" },
    level2 = { field = "use", type = "nominal", title = "Use" },
    level3 = { field = "source", type = "nominal", title = "Source" },
    size = { field = "twh", type = "quantitative", title = "Energy (TWh)" },
  },
}

return M
