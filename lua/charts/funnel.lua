-- Funnel chart: one centred bar per stage (y, in data order), its width
-- proportional to the stage's value (x); the bands between bars show what
-- was lost from one stage to the next. Labels give the value and its share
-- of the first stage.
local format = require "layout.format"
local color = require "layout.color"
local frame = require "layout.frame"
local text = require "layout.text"
local transform = require "data.transform"
local describe = require "charts.shared.describe"
local values = require "charts.shared.values"
local pie = require "charts.pie"
local axes = require "charts.shared.axes"

local M = {
  name = "funnel",
  mark = "bar", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = { "color" } },
  options = { labels = "boolean" },
}

M.GAP = 0.25 -- share of a stage's band left between bars for the connector

-- Stages in data order: { label=, value= } (x summed per y unless x.aggregate says otherwise).
function M.stages(spec)
  values.nonnegative(spec, "x", "funnel stages")
  local enc = spec.encoding
  local rows = transform.group(spec.data, enc.y.field, enc.x.field, enc.x.aggregate or "sum")
  local out = {}
  for _, r in ipairs(rows) do
    out[#out + 1] = { label = values.key_text(r[enc.y.field]), value = r.value or 0 }
  end
  return out
end

function M.layout(spec, theme, box)
  local stages = M.stages(spec)
  local f = frame.layout_simple(spec, theme, box, nil)
  local p = f.plot
  local tfont = text.font(theme, "tick")
  local vfont = { family = theme.font, size = theme.font_sizes.label, weight = "bold" }
  local lw = 0
  for _, s in ipairs(stages) do
    s.text = text.shorten(s.label, tfont, p.width * 0.3)
    lw = math.max(lw, text.width(s.text, tfont))
  end
  local x0 = p.x + lw + 10
  local width = math.max(10, p.x + p.width - x0)
  local cx = x0 + width / 2
  local n = #stages
  local step = n > 0 and p.height / n or p.height
  local bh = step * (1 - M.GAP)
  -- Stages thinner than a line of text name every k-th stage (and value it), never on top
  -- of each other.
  local every = math.max(1, math.ceil((math.max(text.line_height(tfont), text.line_height(vfont)) + 2) / step))
  local hidden = 0
  local max, first = 0, stages[1] and stages[1].value or 0
  for _, s in ipairs(stages) do max = math.max(max, s.value) end
  local single = not (spec.encoding.color and spec.encoding.color.field)
  local colors = color.palette(theme, math.max(1, n))
  local values, shares = {}, {}
  for i, s in ipairs(stages) do values[i], shares[i] = s.value, first > 0 and s.value / first or 0 end
  local value_fmt = format.for_values(values, { number = theme.number })
  local share_fmt = format.for_values(shares, { percent = true, number = theme.number })
  for i, s in ipairs(stages) do
    s.width = max > 0 and width * s.value / max or 0
    s.x, s.y, s.height = cx - s.width / 2, p.y + step * (i - 1) + (step - bh) / 2, bh
    s.color = single and theme.palette[1] or colors[i]
    s.share = first > 0 and s.value / first or 0
    s.value_text = value_fmt(s.value) .. (i > 1 and first > 0 and (" · " .. share_fmt(s.share)) or "")
    s.show = (i - 1) % every == 0
    if not s.show then hidden = hidden + 1 end
    if spec.options.labels ~= false and s.show then
      local vw = text.width(s.value_text, vfont)
      if vw + 8 <= s.width then
        s.value_pos = { x = cx, align = "center", color = color.contrast_text(s.color, theme) }
      elseif cx + s.width / 2 + 6 + vw <= p.x + p.width then
        s.value_pos = { x = cx + s.width / 2 + 6, align = "left", color = theme.foreground }
      end
    end
  end
  local connectors = {}
  for i = 2, n do
    local a, b = stages[i - 1], stages[i]
    connectors[#connectors + 1] = { a.x, a.y + a.height, a.x + a.width, a.y + a.height, b.x + b.width, b.y, b.x, b.y }
  end
  return { frame = f, stages = stages, connectors = connectors, label_x = x0 - 10, tick_font = tfont, hidden = hidden,
    value_font = vfont, center = cx, max_width = width }
end

function M.draw(c, layout, theme)
  frame.draw_background(c, layout.frame, theme)
  for _, q in ipairs(layout.connectors) do
    c:new_path()
    c:move_to(q[1], q[2]); c:line_to(q[3], q[4]); c:line_to(q[5], q[6]); c:line_to(q[7], q[8])
    c:close_path()
    c:set_color(color.alpha(theme.muted, 0.18))
    c:fill()
  end
  for _, s in ipairs(layout.stages) do
    if s.width > 0 then
      c:new_path()
      c:rounded_rect(s.x, s.y, s.width, s.height, math.min(theme.bar_radius or 0, s.width / 2))
      c:set_color(s.color)
      c:fill()
    end
    if s.show then
      c:text(s.text, layout.label_x, s.y + s.height / 2, { font = layout.tick_font, color = theme.foreground,
        align = "right", valign = "middle", role = "tick-label" })
    end
    if s.value_pos then
      c:text(s.value_text, s.value_pos.x, s.y + s.height / 2, { font = layout.value_font, color = s.value_pos.color,
        align = s.value_pos.align, valign = "middle", role = "data-label", value = s.value })
    end
  end
  if #layout.stages == 0 then
    axes.no_data(c, layout.frame, theme)
  end
  c:record_thinned("y", layout.hidden or 0)
  frame.draw_axes(c, layout.frame, theme)
end

function M.describe(spec, layout)
  local st = layout.stages
  local what = spec.encoding.x.title or "values"
  if #st == 0 then return "Funnel chart of " .. what .. " with no data." end
  local head = string.format("Funnel chart of %s over %d stages, from %s (%s) to %s (%s, %s of the first).", what,
    #st, st[1].label, describe.number_text(st[1].value), st[#st].label, describe.number_text(st[#st].value),
    pie.percent_text(st[#st].share))
  -- The biggest drop between neighbouring stages is what a funnel is read for.
  local worst, at
  for i = 2, #st do
    if st[i - 1].value > 0 then
      local keep = st[i].value / st[i - 1].value
      if not worst or keep < worst then worst, at = keep, i end
    end
  end
  if at then
    head = head .. string.format(" Largest drop: %s to %s (%s kept).", st[at - 1].label, st[at].label,
      pie.percent_text(worst))
  end
  return head
end

M.sample = {
  type = "funnel",
  title = "Checkout funnel",
  subtitle = "Sessions in March",
  data = { values = {
    { step = "Visited product page", sessions = 48210 }, { step = "Added to cart", sessions = 15870 },
    { step = "Started checkout", sessions = 9320 }, { step = "Entered payment", sessions = 6105 },
    { step = "Order placed", sessions = 5240 },
  } },
  encoding = {
    y = { field = "step", type = "nominal", title = "Step" },
    x = { field = "sessions", type = "quantitative", title = "Sessions" },
  },
}

return M
