-- Annotations drawn over a cartesian chart: reference rules, shaded bands and
-- text notes placed at data coordinates through the frame's own scales, so
-- they line up with the marks whatever the axis kind (linear, log, time, band).
-- `layout` is pure geometry; `draw` paints it, clipped to the plot.
local color = require "layout.color"
local errors = require "util.errors"
local data_frame = require "data.frame"
local text = require "layout.text"

local M = {}

M.LINE_WIDTH = 1.5
M.DASH = { 5, 4 }
M.BAND_ALPHA = 0.15
M.DOT = 2.5          -- leader dot radius of a text note
M.GAP = 4            -- label to its line / dot

-- Does frame f have x and y scales to place data values with?
function M.supported(f)
  return type(f) == "table" and type(f.x) == "table" and f.x.scale ~= nil
    and type(f.y) == "table" and f.y.scale ~= nil and f.plot ~= nil
end

local function show(v) return type(v) == "string" and ('"' .. v .. '"') or tostring(v) end

-- Pixel span {lo, hi} of data value v on axis a (a band covers its category's
-- band; a continuous value is a zero-width span), or raises an error naming path.
local function span(a, v, path, channel)
  local s = a.scale
  if a.kind == "band" then
    local p = s:map(v)
    if p == nil and type(v) == "number" then p = s:map(data_frame.number_text(v)) end
    if p == nil and type(v) == "string" and tonumber(v) then p = s:map(tonumber(v)) end
    if p == nil then
      local cats = {}
      for i, c in ipairs(s.domain) do
        if i > 12 then cats[#cats + 1] = "…"; break end
        cats[#cats + 1] = tostring(c)
      end
      error(errors.new("invalid_spec", path, ("%s is not a category on the %s axis; categories are %s")
        :format(show(v), channel, table.concat(cats, ", "))), 0)
    end
    return p, p + s:bandwidth()
  end
  local n = v
  if a.kind == "time" and type(v) == "string" then
    n = data_frame.parse_date(v)
  elseif type(v) == "string" then
    n = tonumber(v)
  end
  if type(n) ~= "number" or (a.kind == "log" and n <= 0) then
    local want = a.kind == "time" and "a date like 2024-03-01 or epoch seconds"
      or a.kind == "log" and "a positive number" or "a number"
    error(errors.new("invalid_spec", path, ("must be %s on the %s axis, got %s"):format(want, channel, show(v))), 0)
  end
  local p = s:map(n)
  return p, p
end

-- Which screen direction an axis runs along: a horizontal chart draws its
-- x channel on the left.
local function along(f, a) return a == f.bottom and "h" or "v" end

local function label_font(theme) return text.font(theme or {}, "label") end

-- A label kept inside the plot: placed at (x, y) with align/valign, flipped
-- to the other side of its anchor when it would leave the plot.
local function place_label(str, font, p, x, y, align, valign)
  local w, h = text.width(str, font), text.line_height(font)
  if align == "left" and x + w > p.x + p.width then x, align = x - 2 * M.GAP, "right" end
  if align == "right" and x - w < p.x then x, align = x + 2 * M.GAP, "left" end
  if valign == "bottom" and y - h < p.y then y, valign = y + 2 * M.GAP, "top" end
  if valign == "top" and y + h > p.y + p.height then y, valign = y - 2 * M.GAP, "bottom" end
  return { text = str, x = x, y = y, align = align, valign = valign, width = w, height = h, font = font }
end

-- layout(list, f, theme) → list of geometry tables; raises an errors value
-- for a coordinate the axes cannot place. Rules outside the plot are dropped.
function M.layout(list, f, theme)
  theme = theme or {}
  local p = f.plot
  local font = label_font(theme)
  local default = theme.foreground or "#222222"
  local out = {}
  for i, a in ipairs(list or {}) do
    local path = ("annotations[%d]"):format(i - 1)
    local col = a.color or (a.type == "band" and (theme.muted or default)) or default
    if a.type == "rule" then
      local channel = a.x ~= nil and "x" or "y"
      local axis = f[channel]
      local lo, hi = span(axis, a[channel], path .. "." .. channel, channel)
      local pos = (lo + hi) / 2
      local g = { type = "rule", color = col, dash = a.dash == true }
      if along(f, axis) == "h" then
        g.x1, g.y1, g.x2, g.y2 = pos, p.y, pos, p.y + p.height
        if pos >= p.x - 0.5 and pos <= p.x + p.width + 0.5 then
          if a.text then g.label = place_label(a.text, font, p, pos + M.GAP, p.y + M.GAP, "left", "top") end
          out[#out + 1] = g
        end
      else
        g.x1, g.y1, g.x2, g.y2 = p.x, pos, p.x + p.width, pos
        if pos >= p.y - 0.5 and pos <= p.y + p.height + 0.5 then
          if a.text then
            g.label = place_label(a.text, font, p, p.x + M.GAP, pos - M.GAP, "left", "bottom")
          end
          out[#out + 1] = g
        end
      end
    elseif a.type == "band" then
      local x0, x1, y0, y1 = p.x, p.x + p.width, p.y, p.y + p.height
      for _, ch in ipairs { "x", "y" } do
        if a[ch] ~= nil and a[ch .. "2"] ~= nil then
          local axis = f[ch]
          local l1, h1 = span(axis, a[ch], path .. "." .. ch, ch)
          local l2, h2 = span(axis, a[ch .. "2"], path .. "." .. ch .. "2", ch)
          local lo, hi = math.min(l1, l2), math.max(h1, h2)
          if along(f, axis) == "h" then
            x0, x1 = math.max(x0, lo), math.min(x1, hi)
          else
            y0, y1 = math.max(y0, lo), math.min(y1, hi)
          end
        end
      end
      if x1 > x0 and y1 > y0 then
        local g = { type = "band", x = x0, y = y0, width = x1 - x0, height = y1 - y0, color = col,
          fill = color.alpha(col, M.BAND_ALPHA) }
        if a.text then g.label = place_label(a.text, font, p, x0 + M.GAP, y0 + M.GAP, "left", "top") end
        out[#out + 1] = g
      end
    else
      local xa, ya = f.x, f.y
      local xl, xh = span(xa, a.x, path .. ".x", "x")
      local yl, yh = span(ya, a.y, path .. ".y", "y")
      local px, py = (xl + xh) / 2, (yl + yh) / 2
      if along(f, xa) ~= "h" then px, py = py, px end
      if px >= p.x and px <= p.x + p.width and py >= p.y and py <= p.y + p.height then
        out[#out + 1] = { type = "text", x = px, y = py, radius = M.DOT, color = col,
          label = place_label(a.text, font, p, px + M.GAP, py - M.GAP, "left", "bottom") }
      end
    end
  end
  return out
end

-- The spec's annotations for a laid-out chart → { geometry =, plot = }.
-- A chart without x and y scales (pie, treemap, ...) cannot place data
-- coordinates: that is an error naming the chart type, never a silent skip.
function M.for_chart(spec, layout, theme)
  local list = spec.annotations
  if not list or #list == 0 then return { geometry = {} } end
  local f = type(layout) == "table" and layout.frame
  if not M.supported(f) then
    error(errors.new("invalid_spec", "annotations", ('a %s chart has no x and y axes to place annotations on; '
      .. 'remove "annotations" or use a chart type with axes such as bar, line, area or scatter')
      :format(tostring(spec.type))), 0)
  end
  return { geometry = M.layout(list, f, theme), plot = f.plot }
end

local function draw_label(c, l, col)
  if not l then return end
  c:text(l.text, l.x, l.y, { font = l.font, color = col, align = l.align, valign = l.valign, role = "annotation" })
end

function M.draw(c, geometry, theme, plot)
  if not geometry or #geometry == 0 then return end
  c:save()
  if plot then
    c:new_path()
    c:rect(plot.x, plot.y, plot.width, plot.height)
    c:clip()
  end
  for _, g in ipairs(geometry) do
    c:new_path()
    if g.type == "band" then
      c:rect(g.x, g.y, g.width, g.height)
      c:set_color(g.fill)
      c:fill()
    elseif g.type == "rule" then
      c:set_line_width(M.LINE_WIDTH)
      c:set_dash(g.dash and M.DASH or {})
      c:set_color(g.color)
      c:move_to(g.x1, g.y1)
      c:line_to(g.x2, g.y2)
      c:stroke()
      c:set_dash({})
    else
      c:arc(g.x, g.y, g.radius, 0, 2 * math.pi)
      c:set_color(g.color)
      c:fill()
    end
  end
  for _, g in ipairs(geometry) do
    draw_label(c, g.label, g.type == "band" and (theme.foreground or g.color) or g.color)
  end
  c:restore()
end

return M
