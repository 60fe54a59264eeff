-- A Vega-Lite spec's top level → chartd's: title (string or {text, subtitle}), width/height
-- (numbers, {"step": n} and "container"), description (the alt text); background and the
-- config keys chartd draws (grid, label angle, legend place, mark colour and size, category
-- colours, font) become chartd's `config`; padding, autosize, params and usermeta are
-- presentational or interactive and only named in warnings.
local channels = require "vegalite.channels"
local chart_config = require "chartspec.config"
local json = require "util.json"

local M = {}

-- Keys read elsewhere (data, mark, encoding, transform, layer, datasets) or here.
local KNOWN = { ["$schema"] = true, data = true, mark = true, encoding = true, transform = true, layer = true,
  datasets = true, title = true, width = true, height = true, description = true, background = true,
  padding = true, autosize = true, config = true, params = true, selection = true, usermeta = true,
  name = true, resolve = true, view = true, theme = true, format = true, scale = true, options = true,
  seed = true, annotations = true, subtitle = true, type = true }

-- One config key (chartd's config takes Vega-Lite's names) into spec.config, when chartd draws
-- that value; otherwise a warning at the Vega-Lite path and the theme's own.
local function put_config(spec, warn, group, key, value, path)
  local entry = group and { [group] = { [key] = value } } or { [key] = value }
  local why
  chart_config.check(function(e) why = why or e.message end, entry)
  if why then
    warn(path, "not drawn (" .. tostring(why):gsub("^config[%w%.]*: ", "") .. "); the theme's is drawn")
    return
  end
  spec.config = spec.config or {}
  if group then
    spec.config[group] = spec.config[group] or {}
    spec.config[group][key] = value
  else
    spec.config[key] = value
  end
end

-- Default plot size of a Vega-Lite view (config.view.continuousWidth/Height) and its step.
M.DEFAULT_SIZE = 300
M.DEFAULT_STEP = 20
-- chartd's chrome (title, axes, legend) around a Vega-Lite-sized plot.
M.CHROME = { width = 180, height = 140 }

local function text_of(v)
  if type(v) == "table" and v ~= json.null then return table.concat(v, " ") end
  if type(v) == "string" then return v end
  return nil
end

local function size(v, key, warn, steps)
  if v == nil or v == json.null then return nil end
  if type(v) == "number" then return math.floor(v + 0.5) + M.CHROME[key] end
  if v == "container" then
    warn(key, '"container" has no container to fill here; the default size is drawn')
    return nil
  end
  if channels.is_object(v) and tonumber(v.step) then
    -- {"step": n}: n pixels a band, sized once the band count is known (M.step_size).
    steps[key] = tonumber(v.step)
    return nil
  end
  warn(key, "must be a number, {\"step\": n} or \"container\"; the default size is drawn")
  return nil
end

-- Reads vl's top level into spec (chartd keys), warning about what is not drawn.
-- → the {"step": n} sizes asked for ({width =, height =}), for M.step_size.
function M.read(vl, spec, warn)
  for k in pairs(vl) do
    if not KNOWN[k] then warn(tostring(k), "not supported; ignored") end
  end
  local title = vl.title
  if type(title) == "string" or (type(title) == "table" and title[1] ~= nil) then
    spec.title = text_of(title)
  elseif channels.is_object(title) then
    spec.title = text_of(title.text)
    if title.subtitle ~= nil and spec.subtitle == nil then spec.subtitle = text_of(title.subtitle) end
    for k in pairs(title) do
      if k ~= "text" and k ~= "subtitle" then warn("title." .. k, "not supported; the theme's title style is drawn") end
    end
  end
  if type(vl.description) == "string" then spec.description = vl.description end
  local steps = {}
  spec.width = size(vl.width, "width", warn, steps)
  spec.height = size(vl.height, "height", warn, steps)
  if type(vl.background) == "string" and vl.background ~= "white" and vl.background ~= "#fff"
    and vl.background ~= "#ffffff" then
    put_config(spec, warn, nil, "background", vl.background, "background")
  end
  if vl.padding ~= nil then warn("padding", "chartd lays out its own padding; ignored") end
  if vl.autosize ~= nil then warn("autosize", "chartd always fits the chart to its size; ignored") end
  if vl.params ~= nil or vl.selection ~= nil then
    warn(vl.params ~= nil and "params" or "selection", "interactive parameters are ignored in a static image")
  end
  if vl.resolve ~= nil then warn("resolve", "not supported; ignored") end
  if channels.is_object(vl.config) then
    for k, v in pairs(vl.config) do
      if k == "range" and channels.is_object(v) then
        for rk in pairs(v) do
          -- category, ramp and heatmap colour the colour channel (M.config_colors)
          if rk ~= "category" and rk ~= "ramp" and rk ~= "heatmap" then
            warn("config.range." .. rk, "not supported; the theme is drawn")
          end
        end
      elseif chart_config.TOP[k] then
        put_config(spec, warn, nil, k, v, "config." .. k)
      elseif chart_config.KEYS[k] and channels.is_object(v) then
        for kk, x in pairs(v) do put_config(spec, warn, k, kk, x, ("config.%s.%s"):format(k, kk)) end
      else
        warn("config." .. k, "not supported; the theme is drawn (choose a theme instead)")
      end
    end
  end
  return steps
end

-- The guide keys chartd draws as config: an axis's grid and label angle, a legend's place (or
-- none). Read from the encodings of the view and its layers, where Vega-Lite puts them.
local LEGEND_CHANNELS = { "color", "fill", "stroke", "size", "shape", "opacity" }
function M.guide_config(vl, spec, warn)
  local views = { vl }
  if type(vl.layer) == "table" then for _, l in ipairs(vl.layer) do views[#views + 1] = l end end
  for i, view in ipairs(views) do
    local enc = channels.is_object(view) and channels.is_object(view.encoding) and view.encoding or {}
    local base = i == 1 and "encoding" or ("layer[%d].encoding"):format(i - 2)
    for name, group in pairs({ x = "axisX", y = "axisY" }) do
      local axis = channels.is_object(enc[name]) and enc[name].axis
      if channels.is_object(axis) then
        local path = ("%s.%s.axis."):format(base, name)
        if axis.grid ~= nil then put_config(spec, warn, group, "grid", axis.grid, path .. "grid") end
        if axis.labelAngle ~= nil then
          put_config(spec, warn, group, "labelAngle", axis.labelAngle, path .. "labelAngle")
        end
      end
    end
    for _, name in ipairs(LEGEND_CHANNELS) do
      local def = channels.is_object(enc[name]) and enc[name]
      local path = ("%s.%s.legend"):format(base, name)
      if def and def.legend == json.null then
        put_config(spec, warn, "legend", "disable", true, path)
      elseif def and channels.is_object(def.legend) and def.legend.orient ~= nil then
        put_config(spec, warn, "legend", "orient", def.legend.orient, path .. ".orient")
      end
    end
  end
end

-- config.range's colours for the colour channel that has none of its own: category (a list
-- of colours or a scheme name) for categories, ramp/heatmap for numbers (heatmap on rect).
function M.config_colors(vl, spec, warn)
  local range = channels.is_object(vl.config) and channels.is_object(vl.config.range) and vl.config.range
  local color = spec.encoding and spec.encoding.color
  if not (range and color and color.field) then return end
  if color.scale and (color.scale.range or color.scale.scheme) then return end
  local r
  if color.type == "nominal" or color.type == "ordinal" then
    r = range.category
  else
    r = spec.type == "heatmap" and range.heatmap or range.ramp or range.heatmap
  end
  if r == nil then return end
  if channels.is_object(r) then r = r.scheme end
  color.scale = color.scale or {}
  if type(r) == "string" and require("layout.color").scheme(r) then
    color.scale.scheme = r
  elseif type(r) == "table" and r[1] ~= nil then
    color.scale.range = r
  else
    warn("config.range", "a scheme chartd does not carry; the theme's colours are drawn")
    if next(color.scale) == nil then color.scale = nil end
  end
end

-- A {"step": n} size: n pixels for each band of the discrete axis along it (chartd's x keys
-- of a bar, box or heatmap; y for horizontal bars and heatmaps), plus chartd's chrome.
-- rows() gives the records the chart draws; distinct values are counted there.
function M.step_size(spec, steps, rows)
  if not (steps.width or steps.height) then return end
  local enc, horizontal = spec.encoding or {}, spec.options and spec.options.horizontal
  -- chartd keeps the bands on x whichever way a bar or box is drawn; a heatmap has both.
  local bands = { [horizontal and "height" or "width"] = enc.x }
  if spec.type == "heatmap" then bands = { width = enc.x, height = enc.y } end
  local records
  for key, step in pairs(steps) do
    local ch = bands[key]
    local banded = ch and ch.field and (ch.type == "nominal" or ch.type == "ordinal"
      or (ch.type == "temporal" and (spec.type == "bar" or spec.type == "heatmap")))
    if banded then
      records = records or rows()
      local seen, n = {}, 0
      for _, r in ipairs(records) do
        local v = r[ch.field]
        if v ~= nil and not seen[v] then seen[v], n = true, n + 1 end
      end
      spec[key] = math.max(16, math.min(8192, math.floor(step * math.max(n, 1) + M.CHROME[key] + 0.5)))
    end
  end
end

return M
