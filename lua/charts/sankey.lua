-- Sankey diagram: flows (value) from source to target nodes. Nodes sit in
-- columns by their longest path from a source (sinks in the last column),
-- ordered within a column to keep flows from crossing (layout.layers);
-- a node is as tall as the larger of its in- and outflow, and each flow
-- keeps one thickness from end to end, so totals are conserved at every node.
local format = require "layout.format"
local color = require "layout.color"
local frame = require "layout.frame"
local layers = require "layout.layers"
local text = require "layout.text"
local transform = require "data.transform"
local errors = require "util.errors"
local describe = require "charts.shared.describe"
local values = require "charts.shared.values"
local axes = require "charts.shared.axes"

local M = {
  name = "sankey",
  mark = "link", -- the role of its marks in the scene
  encodings = { required = { "source", "target", "value" }, optional = {} },
  options = {},
}

M.NODE_WIDTH = 12
M.NODE_GAP = 10

-- Nodes (first-seen order) and links with summed values.
function M.graph(spec)
  values.nonnegative(spec, "value", "sankey flows")
  local enc = spec.encoding
  values.category(spec, "source", "sankey nodes")
  values.category(spec, "target", "sankey nodes")
  local sf, tf = enc.source.field, enc.target.field
  local rows = transform.group(spec.data, { sf, tf }, enc.value.field, enc.value.aggregate or "sum")
  local nodes, index, links = {}, {}, {}
  local function node(key)
    local name = values.key_text(key)
    local n = index[name]
    if not n then
      n = { name = name, ins = {}, outs = {}, value_in = 0, value_out = 0 }
      index[name] = n
      nodes[#nodes + 1] = n
    end
    return n
  end
  for _, r in ipairs(rows) do
    local v = r.value or 0
    local s, t = node(r[sf]), node(r[tf])
    if s == t then
      error(errors.new("invalid_data", "encoding.target.field", string.format(
        "a flow cannot go from %q to itself", s.name)))
    end
    if v > 0 then
      local l = { source = s, target = t, value = v }
      links[#links + 1] = l
      s.outs[#s.outs + 1] = l
      t.ins[#t.ins + 1] = l
      s.value_out, t.value_in = s.value_out + v, t.value_in + v
    end
  end
  -- Longest path from a source, depth first; a node met again on the current path is a cycle.
  local state = {}
  local function depth(n)
    if state[n] == "busy" then
      error(errors.new("invalid_data", "encoding.target.field", string.format(
        "the flows form a cycle through %q; a sankey diagram needs flows that only go forward", n.name)))
    end
    if state[n] then return n.column end
    state[n] = "busy"
    local d = 0
    for _, l in ipairs(n.ins) do d = math.max(d, depth(l.source) + 1) end
    n.column, state[n] = d, "done"
    return d
  end
  local columns = 0
  for _, n in ipairs(nodes) do columns = math.max(columns, depth(n) + 1) end
  for _, n in ipairs(nodes) do
    if #n.outs == 0 and #n.ins > 0 then n.column = columns - 1 end
    n.value = math.max(n.value_in, n.value_out)
  end
  return nodes, links, columns
end

function M.layout(spec, theme, box)
  local nodes, links, ncol = M.graph(spec)
  local f = frame.layout_simple(spec, theme, box, nil)
  local p = f.plot
  local cols = {}
  for c = 1, ncol do cols[c] = {} end
  for _, n in ipairs(nodes) do
    if n.value > 0 then local col = cols[n.column + 1]; col[#col + 1] = n end
  end
  layers.order(cols, links)
  -- One vertical scale for every column: the fullest column fills the height.
  local k = math.huge
  for _, col in ipairs(cols) do
    local sum = 0
    for _, n in ipairs(col) do sum = sum + n.value end
    if sum > 0 then k = math.min(k, (p.height - M.NODE_GAP * (#col - 1)) / sum) end
  end
  if k == math.huge then k = 0 end
  local palette = color.palette(theme, math.max(1, #nodes))
  local xstep = ncol > 1 and (p.width - M.NODE_WIDTH) / (ncol - 1) or 0
  for c, col in ipairs(cols) do
    local h = M.NODE_GAP * (#col - 1)
    for _, n in ipairs(col) do h = h + n.value * k end
    local y = p.y + (p.height - h) / 2
    for _, n in ipairs(col) do
      n.x, n.y, n.width, n.height = p.x + (c - 1) * xstep, y, M.NODE_WIDTH, n.value * k
      y = y + n.height + M.NODE_GAP
    end
  end
  for i, n in ipairs(nodes) do n.color = palette[i] end
  -- Flows leave and enter a node top-down in the order of the node at their other end.
  for _, n in ipairs(nodes) do
    table.sort(n.outs, function(a, b) return (a.target.y or 0) < (b.target.y or 0) end)
    table.sort(n.ins, function(a, b) return (a.source.y or 0) < (b.source.y or 0) end)
    local y = n.y or 0
    for _, l in ipairs(n.outs) do l.width = l.value * k; l.y0 = y + l.width / 2; y = y + l.width end
    y = n.y or 0
    for _, l in ipairs(n.ins) do l.y1 = y + l.value * k / 2; y = y + l.value * k end
  end
  for _, l in ipairs(links) do
    l.x0, l.x1 = l.source.x + l.source.width, l.target.x
  end
  local lfont = text.font(theme, "tick")
  local values = {}
  for _, n in ipairs(nodes) do values[#values + 1] = n.value end
  local value_fmt = format.for_values(values, { number = theme.number })
  for _, n in ipairs(nodes) do
    if n.x then
      local last = n.column == ncol - 1 and ncol > 1
      -- The last column's labels face left, into the gap the column before writes into:
      -- those two share it.
      local room = (n.column >= ncol - 2 and ncol > 2) and (xstep - 20) / 2 - 3 or xstep - 20
      local tail = " " .. value_fmt(n.value)
      n.label = { x = last and n.x - 6 or n.x + n.width + 6, y = n.y + n.height / 2, align = last and "right" or "left",
        text = text.shorten(n.name, lfont, math.max(20, room), tail) }
      -- Too narrow for the number: the label is the name alone and says so in the scene.
      n.label.valued = n.label.text:sub(-#tail) == tail
    end
  end
  -- In each column, a label that would touch the one above is left out (its node stays).
  local lh, hidden, by_col = text.line_height(lfont), 0, {}
  for _, n in ipairs(nodes) do
    if n.label then
      by_col[n.column] = by_col[n.column] or {}
      table.insert(by_col[n.column], n)
    end
  end
  for _, list in pairs(by_col) do
    table.sort(list, function(a, b) return a.label.y < b.label.y end)
    local bottom = -math.huge
    for _, n in ipairs(list) do
      if n.label.y - lh / 2 < bottom + 1 then n.label, hidden = nil, hidden + 1 else bottom = n.label.y + lh / 2 end
    end
  end
  return { frame = f, nodes = nodes, links = links, columns = ncol, scale = k, label_font = lfont, hidden = hidden }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  for _, l in ipairs(layout.links) do
    local xm = (l.x0 + l.x1) / 2
    local h = l.width / 2
    c:new_path()
    c:move_to(l.x0, l.y0 - h)
    c:curve_to(xm, l.y0 - h, xm, l.y1 - h, l.x1, l.y1 - h)
    c:line_to(l.x1, l.y1 + h)
    c:curve_to(xm, l.y1 + h, xm, l.y0 + h, l.x0, l.y0 + h)
    c:close_path()
    c:set_color(color.alpha(l.source.color, 0.38))
    c:fill()
  end
  for _, n in ipairs(layout.nodes) do
    if n.x then
      c:new_path()
      c:rect(n.x, n.y, n.width, n.height)
      c:set_color(n.color)
      c:fill()
    end
  end
  for _, n in ipairs(layout.nodes) do
    if n.label then
      c:text(n.label.text, n.label.x, n.label.y, { font = layout.label_font, color = theme.foreground,
        align = n.label.align, valign = "middle", role = "data-label", value = n.label.valued and n.value or nil })
    end
  end
  if #layout.links == 0 then
    axes.no_data(c, layout.frame, theme)
  end
  c:record_thinned("y", layout.hidden or 0)
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local links, order = {}, {}
  for i, l in ipairs(layout.links) do links[i] = l; order[l] = i end
  local what = spec.encoding.value.title or "flow"
  if #links == 0 then return "Sankey diagram of " .. what .. " with no flows." end
  table.sort(links, function(a, b)
    if a.value ~= b.value then return a.value > b.value end
    return order[a] < order[b]
  end)
  local total = 0
  for _, n in ipairs(layout.nodes) do
    if #n.ins == 0 then total = total + n.value_out end
  end
  local parts = {}
  for i = 1, math.min(3, #links) do
    parts[i] = string.format("%s → %s (%s)", links[i].source.name, links[i].target.name,
      describe.number_text(links[i].value))
  end
  return string.format("Sankey diagram of %s: %d flows between %d nodes in %d columns, %s leaving the sources. "
    .. "Largest flows: %s.", what, #links, #layout.nodes, layout.columns, describe.number_text(total),
    table.concat(parts, ", "))
end

M.sample = {
  type = "sankey",
  title = "Household budget flows",
  subtitle = "Monthly, EUR",
  data = { values = {
    { from = "Salary", to = "Budget", eur = 3600 }, { from = "Side job", to = "Budget", eur = 600 },
    { from = "Budget", to = "Housing", eur = 1400 }, { from = "Budget", to = "Living", eur = 1500 },
    { from = "Budget", to = "Savings", eur = 800 }, { from = "Budget", to = "Taxes", eur = 500 },
    { from = "Living", to = "Groceries", eur = 650 }, { from = "Living", to = "Transport", eur = 380 },
    { from = "Living", to = "Leisure", eur = 470 }, { from = "Savings", to = "Pension", eur = 500 },
    { from = "Savings", to = "ETFs", eur = 300 },
  } },
  encoding = {
    source = { field = "from", type = "nominal", title = "From" },
    target = { field = "to", type = "nominal", title = "To" },
    value = { field = "eur", type = "quantitative", title = "Amount (EUR)" },
  },
}

return M
