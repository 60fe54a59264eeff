-- Vega-Lite channel definitions → chartd channels: the field definition's keys read with
-- Vega-Lite's defaults (short type names, the default type), what chartd honours kept,
-- everything else named in a warning.
local json = require "util.json"

local M = {}

M.SHORT_TYPES = { q = "quantitative", t = "temporal", o = "ordinal", n = "nominal",
  quantitative = "quantitative", temporal = "temporal", ordinal = "ordinal", nominal = "nominal" }

-- Aggregates chartd's charts compute themselves; any other op is computed by an aggregate
-- transform before the chart sees the data (vegalite.lower).
M.NATIVE_AGGREGATES = { sum = true, mean = true, average = true, median = true, min = true, max = true,
  count = true }

-- Field-definition keys read here; others are warned about.
local KNOWN = { field = true, type = true, aggregate = true, bin = true, timeUnit = true, sort = true,
  stack = true, scale = true, axis = true, legend = true, title = true, format = true, formatType = true,
  value = true, datum = true, header = true, condition = true, band = true, impute = true, bandPosition = true }

-- Axis and legend keys chartd draws from (the rest is presentational and only warned about).
M.AXIS_KEYS = { title = true, format = true, grid = true, labelAngle = true }
M.LEGEND_KEYS = { title = true, orient = true }
M.SCALE_KEYS = { type = true, domain = true, range = true, scheme = true, zero = true, nice = true,
  reverse = true, domainMid = true }

local function is_object(v)
  return type(v) == "table" and v ~= json.null and not json.is_array(v) and v[1] == nil
end
M.is_object = is_object

-- The default type of a field definition (vega-lite's channeldef defaultType).
function M.default_type(def, channel)
  if channel == "row" or channel == "column" or channel == "facet" or channel == "shape"
    or channel == "strokeDash" then return "nominal" end
  if channel == "order" then return "ordinal" end
  if type(def.sort) == "table" and def.sort[1] ~= nil then return "ordinal" end
  if def.timeUnit then return "temporal" end
  if (def.bin and def.bin ~= json.null and def.bin ~= false)
    or (def.aggregate and type(def.aggregate) == "string") then return "quantitative" end
  if is_object(def.scale) and def.scale.type then
    local t = def.scale.type
    if t == "time" or t == "utc" then return "temporal" end
    if t ~= "ordinal" and t ~= "band" and t ~= "point" then return "quantitative" end
  end
  return "nominal"
end

-- Normalizes one channel definition. → def | nil (a null channel), with warnings added
-- through warn(path, message). def = { field=, type=, aggregate=, bin=, timeUnit=, sort=,
-- stack=, scale=, title=, format=, value=, datum=, axis=, legend= } (Vega-Lite meanings).
function M.read(name, v, path, warn)
  if v == nil or v == json.null then return nil end
  if json.is_array(v) or (type(v) == "table" and v[1] ~= nil) then
    -- tooltip/detail may be arrays of field definitions; the first one stands for them.
    if name == "tooltip" or name == "detail" then return M.read(name, v[1], path .. "[0]", warn) end
  end
  if not is_object(v) then return { invalid = v } end
  local def = {}
  for k in pairs(v) do
    if not KNOWN[k] then warn(path .. "." .. tostring(k), "not supported; ignored") end
  end
  if v.condition ~= nil then warn(path .. ".condition", "conditions need selections; the default branch is drawn") end
  if v.impute ~= nil then warn(path .. ".impute", "not supported; ignored") end
  def.field = v.field
  if type(def.field) == "table" and def.field["repeat"] then def.field = nil; def.repeat_ref = true end
  if type(def.field) == "string" then def.field = def.field:gsub("\\(.)", "%1") end
  def.aggregate = v.aggregate
  if is_object(v.aggregate) then def.aggregate = nil; def.argextreme = v.aggregate end
  if def.aggregate == "average" then def.aggregate = "mean" end
  -- count counts records, whatever the field (a field's non-missing values are "valid").
  if def.aggregate == "count" then def.field = nil end
  def.bin = v.bin ~= json.null and v.bin ~= false and v.bin or nil
  def.timeUnit = v.timeUnit
  if is_object(v.timeUnit) then
    def.timeUnit = v.timeUnit.unit or v.timeUnit.utc and "year"
    if v.timeUnit.step or v.timeUnit.maxbins then warn(path .. ".timeUnit", "step and maxbins are not supported") end
  end
  if def.timeUnit == json.null then def.timeUnit = nil end
  if v.type ~= nil then
    def.type = M.SHORT_TYPES[v.type] or v.type
  elseif def.field ~= nil or def.aggregate ~= nil then
    def.type = M.default_type(v, name)
  end
  if def.aggregate == "count" and v.type == nil then def.type = "quantitative" end
  def.sort = v.sort
  def.stack = v.stack
  def.scale = v.scale
  def.axis, def.legend = v.axis, v.legend
  def.title = v.title
  def.format = v.format
  if v.formatType ~= nil and v.formatType ~= "number" and v.formatType ~= "time" then
    warn(path .. ".formatType", "only number and time formats are supported")
  end
  def.value, def.datum = v.value, v.datum
  return def
end

-- Reads the presentational parts of a definition chartd keeps: axis/legend title and
-- format, scale keys. → title, format, scale (chartd's), with warnings for the rest.
function M.guides(def, path, warn, guide_key)
  local title, format = def.title, def.format
  if title == json.null then title = nil end
  if type(title) == "table" then title = table.concat(title, " ") end
  local guide = def[guide_key]
  if guide == json.null and guide_key == "axis" then
    -- axis: null hides the axis; the chart still draws its data. (legend: null is read as
    -- config by vegalite.toplevel.guide_config.)
    warn(path .. "." .. guide_key, "hiding the axis is not supported; it is drawn")
  elseif is_object(guide) then
    local allowed = guide_key == "axis" and M.AXIS_KEYS or M.LEGEND_KEYS
    for k, x in pairs(guide) do
      if allowed[k] then
        if k == "title" and x ~= json.null and title == nil then
          title = type(x) == "table" and table.concat(x, " ") or x
        end
        if k == "format" and type(x) == "string" and format == nil then format = x end
      else
        warn(path .. "." .. guide_key .. "." .. k, "not supported; ignored")
      end
    end
  end
  local scale
  if is_object(def.scale) then
    scale = {}
    for k, x in pairs(def.scale) do
      if M.SCALE_KEYS[k] and x ~= json.null then
        scale[k] = x
      else
        warn(path .. ".scale." .. k, "not supported; ignored")
      end
    end
    if scale.domain ~= nil and not (type(scale.domain) == "table" and scale.domain[1] ~= nil) then
      warn(path .. ".scale.domain", "only a list of values is supported; ignored")
      scale.domain = nil
    end
    if type(scale.scheme) == "table" then scale.scheme = scale.scheme.name end
    -- Shapes of these keys chartd does not read (nice: 10 or "month", range: "category",
    -- domainMid not a number) are presentational: dropped with a word.
    for _, k in ipairs({ "zero", "nice", "reverse" }) do
      if scale[k] ~= nil and type(scale[k]) ~= "boolean" then
        warn(path .. ".scale." .. k, "only true or false is supported; ignored")
        scale[k] = nil
      end
    end
    if scale.range ~= nil and not (type(scale.range) == "table" and scale.range[1] ~= nil) then
      warn(path .. ".scale.range", "only a list of values is supported; ignored")
      scale.range = nil
    end
    if scale.domainMid ~= nil and type(scale.domainMid) ~= "number" then
      warn(path .. ".scale.domainMid", "must be a number; ignored")
      scale.domainMid = nil
    end
    -- A Vega scheme chartd does not carry is presentational: the theme's colours, and a word.
    if scale.scheme ~= nil and not require("layout.color").scheme(scale.scheme) then
      warn(path .. ".scale.scheme", ('"%s" is not one of chartd\'s schemes; the theme\'s colours are drawn')
        :format(tostring(scale.scheme)))
      scale.scheme = nil
    end
    if scale.type == "pow" or scale.type == "quantile" or scale.type == "quantize" or scale.type == "threshold"
      or scale.type == "bin-ordinal" then
      warn(path .. ".scale.type", ('"%s" scales are not supported; a linear scale is drawn'):format(scale.type))
      scale.type = nil
    end
    if next(scale) == nil then scale = nil end
  elseif def.scale == json.null then
    warn(path .. ".scale", "null (no scale) is not supported; ignored")
  end
  return title, format, scale
end

-- The chartd channel for a definition: field, type, native aggregate, bin, timeUnit, sort,
-- title, format, scale.
function M.to_chartd(def, path, warn, guide_key)
  local title, format, scale = M.guides(def, path, warn, guide_key or "axis")
  local ch = { field = def.field, type = def.type, title = title, format = format, scale = scale }
  if def.aggregate ~= nil then ch.aggregate = def.aggregate end
  if def.timeUnit then ch.timeUnit = def.timeUnit end
  if def.bin then ch.bin = def.bin end
  if def.sort ~= nil and def.sort ~= json.null then ch.sort = def.sort end
  if def.value ~= nil and type(def.value) ~= "table" then ch.value = def.value end
  if def.datum ~= nil and type(def.datum) ~= "table" then ch.value = def.datum end
  return ch
end

return M
