-- A Vega-Lite mark and its encoding → a chartd chart type, options and encoding, drawing
-- what Vega-Lite draws: bars with a colour stack unless told otherwise, a bar whose
-- discrete axis is y is horizontal, an arc with an inner radius is a donut, … Data
-- semantics chartd's charts do not compute themselves (other aggregates, bins on points)
-- were already lowered into transforms (vegalite.lower).
local channels = require "vegalite.channels"
local errors = require "util.errors"
local json = require "util.json"

local M = {}

M.MARKS = { "arc", "area", "bar", "boxplot", "circle", "errorband", "errorbar", "geoshape", "image",
  "line", "point", "rect", "rule", "square", "text", "tick", "trail" }

-- Mark properties that change the chart and are honoured (others are presentational).
local HONOURED_PROPS = { type = true, point = true, interpolate = true, innerRadius = true, orient = true,
  extent = true, tooltip = true, clip = true, invalid = true, style = true, ariaRole = true,
  ariaRoleDescription = true, aria = true, description = true }

local function discrete(def)
  return def ~= nil and (def.type == "nominal" or def.type == "ordinal") and not def.bin
end

local function continuous(def)
  return def ~= nil and (def.type == "quantitative" or def.type == "temporal")
end

-- stacked: whether Vega-Lite stacks this chart (its default sort op is then "sum", else "min").
local function sort_for(def, value_channel, swapped, warn, path, stacked)
  local s = def.sort
  if s == nil or s == json.null then return nil end
  if type(s) == "string" then
    if s == "ascending" or s == "descending" then return s end
    -- "-x" on a horizontal bar's y sorts by the value axis, which is chartd's y.
    local sign, ch = s:match("^(%-?)([xy])$")
    if ch then
      if swapped then ch = ch == "x" and "y" or "x" end
      return sign .. ch
    end
    warn(path .. ".sort", ('sorting by "%s" is not supported; ignored'):format(s))
    return nil
  end
  if type(s) == "table" and s[1] ~= nil then return s end
  if channels.is_object(s) then
    local desc = s.order == "descending" and "-" or ""
    if s.encoding then
      local ch = s.encoding
      if swapped and (ch == "x" or ch == "y") then ch = ch == "x" and "y" or "x" end
      if ch == "x" or ch == "y" then return desc .. ch end
    end
    if s.field == nil and s.op == nil then return s.order == "descending" and "descending" or "ascending" end
    local op = s.op or (stacked and "sum" or "min")
    if value_channel and ((op == "count" and value_channel.aggregate == "count")
      or (s.field ~= nil and s.field == value_channel.field and op == (value_channel.aggregate or "sum"))) then
      return desc .. "y"
    end
    -- By another field or aggregate: the order is computed from the data (vegalite.order).
    return { by = { field = s.field, op = op, descending = s.order == "descending" } }
  end
  return nil
end

-- The stack Vega-Lite applies to a bar/area/arc: "zero", "normalize", "center" or nil.
local function stack_of(mark, value_def, by_field)
  local s = value_def and value_def.stack
  if s == json.null or s == false then return nil end
  if s == true then return "zero" end
  if type(s) == "string" then return s end
  if mark == "bar" or mark == "area" or mark == "arc" then
    if by_field then return "zero" end
    return "zero"
  end
  return nil
end

-- M.build(mark_def, defs, ctx) → chartd type, options, encoding.
-- defs: channel name → normalized def (vegalite.channels.read); ctx.warn(path, message).
function M.build(markdef, defs, ctx)
  local warn = ctx.warn
  local mark = markdef.type
  for k in pairs(markdef) do
    if not HONOURED_PROPS[k] then warn("mark." .. k, "not supported; the theme's value is drawn") end
  end
  local enc, options = {}, {}
  local x, y = defs.x, defs.y

  local function put(chan, def, path, guide)
    if def then enc[chan] = channels.to_chartd(def, path, warn, guide) end
  end

  -- The series channel: colour, else another field that splits marks into groups.
  local color_def, color_path = defs.color, "encoding.color"
  for _, alt in ipairs({ "fill", "stroke" }) do
    if not color_def and defs[alt] then color_def, color_path = defs[alt], "encoding." .. alt end
  end
  local series_def, series_path = color_def, color_path
  for _, alt in ipairs({ "strokeDash", "shape", "detail" }) do
    local d = defs[alt]
    if d and d.field and not (series_def and series_def.field == d.field) then
      if not series_def or not series_def.field then
        series_def, series_path = d, "encoding." .. alt
        warn("encoding." .. alt, "drawn as a colour per value")
      else
        warn("encoding." .. alt, "a second grouping besides colour is not supported; ignored")
      end
    end
  end
  local function put_color()
    if series_def and series_def.field then put("color", series_def, series_path, "legend")
    elseif series_def and series_def.value ~= nil then
      warn(series_path, "a constant colour is not supported; the theme's colour is drawn")
    end
  end

  local ctype
  if mark == "bar" then
    local horizontal = (discrete(y) and not discrete(x)) or (x and x.aggregate and not (y and y.aggregate)
      and not continuous(y))
    -- mark.orient settles what the channels leave open (both axes continuous or both discrete).
    if markdef.orient == "horizontal" and discrete(x) == discrete(y) then horizontal = true end
    if markdef.orient == "vertical" and discrete(x) == discrete(y) then horizontal = false end
    if x and x.bin and not horizontal and (y == nil or y.aggregate == "count") then
      ctype = "histogram"
      put("x", x, "encoding.x")
      if y then put("y", y, "encoding.y") end
      if series_def and series_def.field then warn(series_path, "a coloured histogram is not supported; ignored") end
      return ctype, options, enc
    end
    if y and y.bin and horizontal and (x == nil or x.aggregate == "count") then
      warn("encoding.y.bin", "a horizontal histogram is drawn vertical")
      ctype = "histogram"
      put("x", y, "encoding.y")
      if x then put("y", x, "encoding.x") end
      return ctype, options, enc
    end
    ctype = "bar"
    options.labels = false -- Vega-Lite draws value labels only as a text layer (vegalite.layer)
    local key, value, kpath, vpath = x, y, "encoding.x", "encoding.y"
    if horizontal then key, value, kpath, vpath = y, x, "encoding.y", "encoding.x"; options.horizontal = true end
    put("x", key, kpath)
    put("y", value, vpath)
    -- Vega-Lite stacks a bar with a series field, or one whose value is not aggregated.
    local stacks = (series_def and series_def.field) or not (value and value.aggregate)
    if value and (value.stack == json.null or value.stack == false) then stacks = false end
    if enc.x then enc.x.sort = sort_for(key, value, horizontal, warn, kpath, stacks) end
    put_color()
    local offset = defs.xOffset or defs.yOffset
    local stack = stack_of("bar", value, series_def and series_def.field)
    if offset and offset.field then
      if not (series_def and series_def.field == offset.field) then
        if not enc.color then
          enc.color = channels.to_chartd(offset, "encoding.xOffset", warn, "legend")
        else
          warn("encoding.xOffset", "grouping by a field other than colour is not supported; grouped by colour")
        end
      end
      stack = nil
    end
    if enc.color and stack == "zero" then options.stacked = true end
    if stack == "normalize" then options.stacked = true; options.normalize = true end
    if stack == "center" then
      warn(vpath .. ".stack", "centred bar stacks are drawn from zero")
      options.stacked = true
    end
  elseif mark == "line" or mark == "trail" then
    ctype = markdef.interpolate and markdef.interpolate:match("^step") and "step" or "line"
    if mark == "trail" then warn("mark", "a trail is drawn as a line") end
    if markdef.interpolate and ctype == "line" and markdef.interpolate ~= "linear" then
      warn("mark.interpolate", ('"%s" is drawn with straight segments'):format(tostring(markdef.interpolate)))
    end
    local swapped = discrete(y) and not discrete(x) or (continuous(y) and x and x.type == "quantitative"
      and y.type == "temporal")
    if swapped then warn("encoding.y", "a vertical line over y is drawn over x") end
    local key, value = x, y
    if swapped then key, value = y, x end
    put("x", key, swapped and "encoding.y" or "encoding.x")
    put("y", value, swapped and "encoding.x" or "encoding.y")
    if enc.x then enc.x.sort = sort_for(key, value, false, warn, "encoding.x") end
    put_color()
    if ctype == "line" and markdef.point and markdef.point ~= json.null and markdef.point ~= false then
      options.points = true
    elseif ctype == "line" then
      options.points = false
    end
  elseif mark == "area" then
    ctype = "area"
    put("x", x, "encoding.x")
    put("y", y, "encoding.y")
    put_color()
    local stack = stack_of("area", y, series_def and series_def.field)
    if stack == "center" and enc.color then
      ctype = "streamgraph"
      options.offset = "center"
    elseif stack == "normalize" then
      options.stacked, options.normalize = true, true
    elseif stack == "zero" and enc.color then
      options.stacked = true
    end
    if markdef.interpolate and markdef.interpolate ~= "linear" then
      warn("mark.interpolate", ('"%s" is drawn with straight segments'):format(tostring(markdef.interpolate)))
    end
  elseif (mark == "point" or mark == "circle" or mark == "square") and (discrete(x) ~= discrete(y)) then
    -- A dot plot (one axis of categories): chartd's strip plot, values on y, groups on x.
    ctype = "strip"
    local value, group, vpath, gpath = y, x, "encoding.y", "encoding.x"
    if discrete(y) then
      value, group, vpath, gpath = x, y, "encoding.x", "encoding.y"
      warn("encoding.y", "a horizontal dot plot is drawn vertically")
    end
    put("y", value, vpath)
    put("x", group, gpath)
    options.jitter = 0
    if series_def and series_def.field and not (group and series_def.field == group.field) then
      warn(series_path, "colouring dots by another field than their group is not supported; ignored")
    end
  elseif mark == "point" or mark == "circle" or mark == "square" then
    ctype = "scatter"
    put("x", x, "encoding.x")
    put("y", y, "encoding.y")
    put_color()
    if defs.size then
      if defs.size.field then put("size", defs.size, "encoding.size", "legend")
      else warn("encoding.size", "a constant size is not supported; the theme's is drawn") end
    end
    if mark == "square" then warn("mark", "squares are drawn as circles") end
  elseif mark == "tick" then
    ctype = "strip"
    -- chartd's strip plot: values on y, optional groups on x.
    local value, group, vpath, gpath = x, y, "encoding.x", "encoding.y"
    if continuous(y) and not continuous(x) then value, group, vpath, gpath = y, x, "encoding.y", "encoding.x" end
    put("y", value, vpath)
    if group then put("x", group, gpath) end
    options.jitter = 0
  elseif mark == "rect" then
    ctype = "heatmap"
    options.labels = false -- as for bars: values are a text layer in Vega-Lite
    put("x", x, "encoding.x")
    put("y", y, "encoding.y")
    if color_def then put("color", color_def, color_path, "legend") end
  elseif mark == "arc" then
    ctype = (tonumber(markdef.innerRadius) or 0) > 0 and "donut" or "pie"
    put("theta", defs.theta, "encoding.theta")
    put_color()
    if defs.radius then warn("encoding.radius", "radial (rose) arcs are not supported; drawn as a pie") end
  elseif mark == "boxplot" then
    ctype = "box"
    local value, group, vpath, gpath = y, x, "encoding.y", "encoding.x"
    if (continuous(x) and not continuous(y)) or (markdef.orient == "horizontal" and continuous(x)) then
      value, group, vpath, gpath = x, y, "encoding.x", "encoding.y"
      options.horizontal = true
    end
    put("y", value, vpath)
    if group then put("x", group, gpath) end
    if markdef.extent ~= nil and markdef.extent ~= 1.5 then
      warn("mark.extent", "whiskers are drawn at 1.5 × IQR")
    end
    if series_def and series_def.field and not (group and group.field == series_def.field) then
      warn(series_path, "colouring boxes by another field is not supported; ignored")
    end
  else
    error(errors.new("invalid_spec", "mark", ('the "%s" mark is not supported on its own; marks are %s'):format(
      tostring(mark), "bar, line, area, point, circle, square, tick, rect, arc, boxplot, trail (rule and text "
      .. "only as layers over one of them)")))
  end

  -- Vega-Lite orders the bands of a discrete axis ascending unless told otherwise; chartd
  -- keeps the data's order, so the translation says so.
  for _, ch in ipairs({ "x", "y" }) do
    local e = enc[ch]
    if e and e.field and e.sort == nil and (e.type == "nominal" or e.type == "ordinal") then e.sort = "ascending" end
  end
  -- Ranges (x2/y2) make a different chart (ranged bars, intervals): drawing without them
  -- would be wrong, so they are an error rather than a warning.
  for _, name in ipairs({ "x2", "y2" }) do
    if defs[name] and (defs[name].field or defs[name].datum ~= nil) then
      local main = defs[name == "x2" and "x" or "y"]
      local what = main and main.bin == "binned" and "pre-binned bars (bin: \"binned\" with %s)"
        or "ranged marks (%s)"
      error(errors.new("invalid_spec", "encoding." .. name, (what .. " are not supported"):format(name)))
    end
  end
  for name, def in pairs(defs) do
    if def.argextreme then
      error(errors.new("invalid_spec", "encoding." .. name .. ".aggregate", "argmin/argmax are not supported"))
    end
  end
  -- Channels the type does not use.
  local used = { x = true, y = true, color = true, fill = true, stroke = true, theta = true, size = true,
    xOffset = true, yOffset = true, strokeDash = true, shape = true, detail = true, tooltip = true,
    row = true, column = true, facet = true, description = true, href = true, key = true, url = true }
  for name in pairs(defs) do
    if not used[name] then warn("encoding." .. name, "not supported; ignored") end
  end
  if defs.tooltip then warn("encoding.tooltip", "tooltips are not drawn in a static image") end
  return ctype, options, enc
end

return M
