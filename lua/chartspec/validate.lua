-- Checks a chart spec and normalizes it for the charts: every problem found
-- (not just the first) comes back as an errors.new value naming its JSON path
-- and what would have been allowed.
local annotations = require "chartspec.annotations"
local color = require "layout.color"
local config = require "chartspec.config"
local errors = require "util.errors"
local frame = require "data.frame"
local json = require "util.json"
local timeunit = require "data.timeunit"
local transforms = require "transforms"

local M = {}

M.TOP_KEYS = { "$schema", "annotations", "config", "data", "description", "encoding", "format", "height",
  "options", "scale", "seed", "subtitle", "theme", "title", "transform", "type", "width" }
M.CHANNELS = { "color", "column", "row", "size", "theta", "x", "y" }
M.CHANNEL_KEYS = { "aggregate", "bin", "field", "format", "scale", "sort", "timeUnit", "title", "type", "value" }
M.TYPES = { "quantitative", "temporal", "ordinal", "nominal" }
M.AGGREGATES = { "sum", "mean", "average", "median", "min", "max", "count" }
-- Vega-Lite's units and meanings (data.timeunit): "month" is the month of the year.
M.TIME_UNITS = timeunit.NAMES
M.SORTS = { "ascending", "descending", "x", "-x", "y", "-y" }
M.FORMATS = { "png", "svg", "pdf" }
M.SCALE_KEYS = { "domain", "domainMid", "nice", "range", "reverse", "scheme", "type", "zero" }
M.SCALE_TYPES = { "linear", "log", "sqrt", "symlog", "time", "utc", "ordinal", "band", "point" }

M.DEFAULTS = { theme = "light", width = 800, height = 600, scale = 1, format = "png" }

local MAX_TITLE = 200

-- Pixels one render may draw (width × height × scale² for PNG, width × height for SVG/PDF):
-- CHARTD_MAX_PIXELS on the server (chartd.config.max_pixels), this default elsewhere. 16 Mpx
-- is a 64 MB surface; docs/BENCHMARKS.md measures what a render of that size costs.
M.MAX_PIXELS = 16777216

local function max_pixels()
  local ok, cfg = pcall(require, "chartd.config")
  return ok and type(cfg) == "table" and math.type(cfg.max_pixels) == "integer" and cfg.max_pixels or M.MAX_PIXELS
end

-- 16777216 → "16,777,216"
local function grouped(n)
  local s = tostring(math.floor(n))
  return (s:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""))
end
-- Distinct values a nominal/ordinal field may have on a channel: each one
-- becomes a band, legend entry or facet, and past this count nothing is legible.
M.MAX_CATEGORIES = 1000
-- Channels whose values are free text (labels), not categories.
local FREE_TEXT = { text = true, tooltip = true, detail = true }

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

local TOP_SET = set_of(M.TOP_KEYS)
local CHANNEL_KEY_SET = set_of(M.CHANNEL_KEYS)
local TYPE_SET = set_of(M.TYPES)
local AGG_SET = set_of(M.AGGREGATES)
local UNIT_SET = set_of(M.TIME_UNITS)
for _, u in ipairs(M.TIME_UNITS) do UNIT_SET["utc" .. u] = true end
local SORT_SET = set_of(M.SORTS)
local FORMAT_SET = set_of(M.FORMATS)
local SCALE_KEY_SET = set_of(M.SCALE_KEYS)
local SCALE_TYPE_SET = set_of(M.SCALE_TYPES)

-- Suggestions ------------------------------------------------------------------

local function distance(a, b)
  local la, lb = #a, #b
  if math.abs(la - lb) > 2 then return 3 end
  local prev = {}
  for j = 0, lb do prev[j] = j end
  for i = 1, la do
    local cur = { [0] = i }
    local ca = a:byte(i)
    for j = 1, lb do
      local cost = ca == b:byte(j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[lb]
end

-- The closest candidate within edit distance 2 (case-insensitive), if any.
function M.suggest(name, candidates)
  if type(name) ~= "string" then return nil end
  local lname = name:lower()
  local best, best_d
  for _, c in ipairs(candidates) do
    local d = distance(lname, c:lower())
    -- Half the name may change at most, so "jpg" does not suggest "png".
    if d <= 2 and d * 2 <= #name and (best_d == nil or d < best_d) then best, best_d = c, d end
  end
  return best
end

local function did_you_mean(name, candidates)
  local s = M.suggest(name, candidates)
  return s and string.format(' (did you mean "%s"?)', s) or ""
end

-- Text helpers -----------------------------------------------------------------

local function show(v)
  if v == json.null then return "null" end
  if type(v) == "string" then return '"' .. v .. '"' end
  if type(v) == "number" then return frame.number_text(v) end
  if type(v) == "table" then return json.is_array(v) and "an array" or "an object" end
  return tostring(v)
end

local function join(list)
  return table.concat(list, ", ")
end

local function is_object(v)
  return type(v) == "table" and v ~= json.null and not json.is_array(v) and v[1] == nil
end

local function is_array(v)
  return type(v) == "table" and v ~= json.null and (json.is_array(v) or v[1] ~= nil or next(v) == nil)
end

local function finite(v)
  return type(v) == "number" and v == v and math.abs(v) ~= math.huge
end

local function whole(v)
  if math.type(v) == "integer" then return v end
  if math.type(v) == "float" and v == math.floor(v) and math.abs(v) < 2 ^ 53 then return math.tointeger(v) end
  return nil
end

-- Validation -------------------------------------------------------------------

local function registries(opts)
  local charts, themes = opts.charts, opts.themes
  if not charts then
    local ok, m = pcall(require, "charts")
    charts = ok and m or nil
  end
  if not themes then
    local ok, m = pcall(require, "themes")
    themes = ok and m or nil
  end
  return charts, themes
end

local function check_string(errs, v, path, max)
  if type(v) ~= "string" then
    errs(errors.new("invalid_spec", path, "must be a string, got " .. show(v)))
    return nil
  end
  local n = utf8.len(v) or #v
  if n > max then
    errs(errors.new("invalid_spec", path, string.format("must be at most %d characters (got %d)", max, n)))
    return nil
  end
  return v
end

local function check_enum(errs, v, path, set, list)
  if type(v) == "string" and set[v] then return v end
  errs(errors.new("invalid_spec", path,
    string.format("must be one of %s; got %s%s", join(list), show(v), did_you_mean(v, list))))
  return nil
end

local function check_keys(errs, t, path, set, list, what)
  local bad = {}
  for k in pairs(t) do
    if not set[k] then bad[#bad + 1] = k end
  end
  table.sort(bad, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(bad) do
    local p = path == "" and tostring(k) or path .. "." .. tostring(k)
    errs(errors.new("invalid_spec", p, string.format('unknown key "%s"%s; allowed %s are %s',
      tostring(k), did_you_mean(k, list), what or "keys", join(list))))
  end
end

local AGG_TITLES = { sum = "Sum of ", mean = "Mean of ", median = "Median of ", min = "Min of ",
  max = "Max of ", count = "Count of " }

local function default_title(ch)
  if ch.aggregate == "count" and not ch.field then return "Count of records" end
  local base = ch.field or ""
  if ch.bin then base = base .. " (binned)" end
  if ch.timeUnit then base = base .. " (" .. ch.timeUnit .. ")" end
  if ch.aggregate then return AGG_TITLES[ch.aggregate] .. base end
  return base
end

-- A column of written percentages or money (data.numbers) keeps its unit on the axis and labels:
-- values stay as written (58 for "58%"), so "%" is format "percent" (values in points) and "$"
-- chartd's currency format; other signs, which no format writes, go into the axis title.
local COUNTING = { count = true, distinct = true, valid = true, missing = true }

local function unit_format(ch, df)
  local unit = ch.field and df and df.units and df.units[ch.field]
  if not unit or ch.type ~= "quantitative" or COUNTING[ch.aggregate] then return nil end
  local sign = unit:gsub("^%^", "")
  if sign == "%" then return "percent" end
  if sign == "$" then return "$," end
  return nil, sign
end

-- Storage classes: two channels may only force types that store alike.
local STORAGE = { quantitative = "number", temporal = "date", nominal = "text", ordinal = "text" }

local function check_scale(errs, v, path)
  if not is_object(v) then
    errs(errors.new("invalid_spec", path, "must be an object like {\"type\": \"log\"}, got " .. show(v)))
    return nil
  end
  check_keys(errs, v, path, SCALE_KEY_SET, M.SCALE_KEYS)
  if v.type ~= nil then check_enum(errs, v.type, path .. ".type", SCALE_TYPE_SET, M.SCALE_TYPES) end
  for _, k in ipairs({ "zero", "nice", "reverse" }) do
    if v[k] ~= nil and type(v[k]) ~= "boolean" then
      errs(errors.new("invalid_spec", path .. "." .. k, "must be true or false, got " .. show(v[k])))
    end
  end
  if v.domain ~= nil and not (is_array(v.domain) and #v.domain >= 1) then
    errs(errors.new("invalid_spec", path .. ".domain", "must be a non-empty array, got " .. show(v.domain)))
  end
  if v.scheme ~= nil and check_string(errs, v.scheme, path .. ".scheme", 64) and not color.scheme(v.scheme) then
    errs(errors.new("invalid_spec", path .. ".scheme", ("unknown scheme %s; allowed %s")
      :format(show(v.scheme), table.concat(color.scheme_names(), ", "))))
  end
  if v.domainMid ~= nil and (type(v.domainMid) ~= "number" or v.domainMid ~= v.domainMid) then
    errs(errors.new("invalid_spec", path .. ".domainMid", "must be a number, got " .. show(v.domainMid)))
  end
  local out = {}
  for k, x in pairs(v) do out[k] = x end
  return out
end

local function check_bin(errs, v, path)
  if v == false or v == json.null then return nil end
  if v == true then return { maxbins = 10 } end
  if not is_object(v) then
    errs(errors.new("invalid_spec", path, "must be true, false or an object like {\"maxbins\": 20}, got " .. show(v)))
    return nil
  end
  check_keys(errs, v, path, { maxbins = true, step = true, extent = true }, { "extent", "maxbins", "step" })
  local out = {}
  if v.maxbins ~= nil then
    local n = whole(v.maxbins)
    if not n or n < 1 or n > 200 then
      errs(errors.new("invalid_spec", path .. ".maxbins", "must be an integer from 1 to 200, got " .. show(v.maxbins)))
    else
      out.maxbins = n
    end
  end
  if v.step ~= nil then
    if not finite(v.step) or v.step <= 0 then
      errs(errors.new("invalid_spec", path .. ".step", "must be a number greater than 0, got " .. show(v.step)))
    else
      out.step = v.step
    end
  end
  if v.extent ~= nil then
    local e = v.extent
    if not (is_array(e) and #e == 2 and finite(e[1]) and finite(e[2]) and e[1] < e[2]) then
      errs(errors.new("invalid_spec", path .. ".extent", "must be two numbers [low, high] with low < high, got "
        .. show(e)))
    else
      out.extent = { e[1], e[2] }
    end
  end
  if not out.step and not out.maxbins then out.maxbins = 10 end
  return out
end

local function check_channel(errs, name, v, df, forced)
  local path = "encoding." .. name
  if not is_object(v) then
    errs(errors.new("invalid_spec", path,
      "must be an object like {\"field\": \"revenue\", \"type\": \"quantitative\"}, got " .. show(v)))
    return nil
  end
  check_keys(errs, v, path, CHANNEL_KEY_SET, M.CHANNEL_KEYS)
  local ch = {}

  if v.aggregate ~= nil then
    local agg = check_enum(errs, v.aggregate, path .. ".aggregate", AGG_SET, M.AGGREGATES)
    ch.aggregate = agg == "average" and "mean" or agg
  end

  if v.field ~= nil then
    if type(v.field) ~= "string" or v.field == "" then
      errs(errors.new("invalid_spec", path .. ".field", "must be a column name (string), got " .. show(v.field)))
    elseif df and not df.columns[v.field] then
      errs(errors.new("unknown_field", path .. ".field", string.format('no column "%s"%s; columns are %s',
        v.field, did_you_mean(v.field, df.names), join(df.names))))
    else
      ch.field = v.field
    end
  elseif v.value == nil and v.aggregate ~= "count" then
    errs(errors.new("invalid_spec", path .. ".field",
      'required unless "aggregate" is "count" or a constant "value" is given'))
  end

  if v.value ~= nil then
    local tv = type(v.value)
    if tv == "string" or tv == "boolean" or finite(v.value) then
      ch.value = v.value
    else
      errs(errors.new("invalid_spec", path .. ".value", "must be a number, string or boolean, got " .. show(v.value)))
    end
  end

  -- Type: given (and then forced onto the column) or read from the frame.
  if v.type ~= nil then
    ch.type = check_enum(errs, v.type, path .. ".type", TYPE_SET, M.TYPES)
  end
  if ch.field and df then
    if ch.type and ch.type ~= df.types[ch.field] then
      local prior = forced[ch.field]
      if prior and STORAGE[prior.type] ~= STORAGE[ch.type] then
        errs(errors.new("invalid_spec", path .. ".type", string.format(
          '"%s" conflicts with %s.type "%s" for column "%s"', ch.type, prior.path, prior.type, ch.field)))
      else
        local ok, msg = frame.set_type(df, ch.field, ch.type)
        if not ok then errs(errors.new("invalid_spec", path .. ".type", msg)) end
      end
    end
    if ch.type then
      forced[ch.field] = forced[ch.field] or { type = ch.type, path = path }
    else
      ch.type = df.types[ch.field]
    end
  elseif not ch.type and ch.aggregate == "count" then
    ch.type = "quantitative"
  end

  local ftype = ch.field and df and df.types[ch.field]
  if ch.aggregate and ch.field and ftype then
    local agg = ch.aggregate
    if (agg == "sum" or agg == "mean" or agg == "median") and ftype ~= "quantitative" then
      errs(errors.new("invalid_spec", path .. ".aggregate", string.format(
        '"%s" needs a quantitative field; "%s" is %s (use "count", or another field)', agg, ch.field, ftype)))
    elseif (agg == "min" or agg == "max") and ftype ~= "quantitative" and ftype ~= "temporal" then
      errs(errors.new("invalid_spec", path .. ".aggregate", string.format(
        '"%s" needs a quantitative or temporal field; "%s" is %s', agg, ch.field, ftype)))
    end
    if agg ~= "min" and agg ~= "max" then ch.type = "quantitative" end
  end

  if ch.field and df and df.columns[ch.field] and (ch.type == "nominal" or ch.type == "ordinal")
    and not FREE_TEXT[name] then
    if not frame.first_seen(df.columns[ch.field], df.nrows, M.MAX_CATEGORIES) then
      errs(errors.new("invalid_spec", path .. ".field", string.format(
        '"%s" has more than %d distinct %s values, the limit for one channel; '
        .. "aggregate or filter the data first", ch.field, M.MAX_CATEGORIES, ch.type)))
    end
  end

  if v.bin ~= nil then
    ch.bin = check_bin(errs, v.bin, path .. ".bin")
    if ch.bin and ftype and ftype ~= "quantitative" then
      errs(errors.new("invalid_spec", path .. ".bin", string.format(
        'binning needs a quantitative field; "%s" is %s', ch.field, ftype)))
    end
  end

  if v.timeUnit ~= nil and v.timeUnit ~= json.null then
    ch.timeUnit = check_enum(errs, v.timeUnit, path .. ".timeUnit", UNIT_SET, M.TIME_UNITS)
    if ch.timeUnit and ftype and ftype ~= "temporal" then
      errs(errors.new("invalid_spec", path .. ".timeUnit", string.format(
        'a time unit needs a temporal field; "%s" is %s', ch.field, ftype)))
    end
  end

  if v.sort ~= nil and v.sort ~= json.null then
    if type(v.sort) == "table" and is_array(v.sort) and next(v.sort) ~= nil then
      local order = {}
      for i, x in ipairs(v.sort) do
        if type(x) ~= "string" and type(x) ~= "number" then
          errs(errors.new("invalid_spec", path .. ".sort[" .. (i - 1) .. "]",
            "must be a string or number, got " .. show(x)))
        end
        order[i] = x
      end
      ch.sort = order
    elseif type(v.sort) == "string" and SORT_SET[v.sort] then
      ch.sort = v.sort
    else
      errs(errors.new("invalid_spec", path .. ".sort", string.format(
        "must be one of %s, null, or an array of values in order; got %s", join(M.SORTS), show(v.sort))))
    end
  end

  if v.title ~= nil and v.title ~= json.null then
    ch.title = check_string(errs, v.title, path .. ".title", MAX_TITLE)
  end
  if v.format ~= nil then ch.format = check_string(errs, v.format, path .. ".format", 64) end
  if v.scale ~= nil and v.scale ~= json.null then ch.scale = check_scale(errs, v.scale, path .. ".scale") end

  local unit_fmt, unit_sign = unit_format(ch, df)
  if ch.format == nil then ch.format = unit_fmt end
  if ch.title == nil and (ch.field or ch.aggregate == "count") then
    ch.title = default_title(ch) .. (unit_sign and " (" .. unit_sign .. ")" or "")
  end
  return ch
end

local function describe_option(kind)
  if type(kind) == "table" then return "one of " .. join(kind) end
  if kind == "array" then return "an array" end
  return kind == "boolean" and "true or false" or "a " .. tostring(kind)
end

local function check_options(errs, v, chart, paneled)
  local out = {}
  if v == nil or v == json.null then return out end
  if not is_object(v) then
    errs(errors.new("invalid_spec", "options", "must be an object like {\"stacked\": true}, got " .. show(v)))
    return out
  end
  local decl = chart and chart.options or {}
  -- (a chart split into panels by encoding.column/row takes the panels' options too: shared_y)
  if paneled and chart and chart.name ~= "facet" then
    local own = decl
    decl = {}
    for k, kind in pairs(own) do decl[k] = kind end
    for k, kind in pairs(require("charts").get("facet").options) do
      if k ~= "chart" and decl[k] == nil then decl[k] = kind end
    end
  end
  local names = {}
  for k in pairs(decl) do names[#names + 1] = k end
  table.sort(names)
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local x, kind = v[k], decl[k]
    local path = "options." .. tostring(k)
    if not kind then
      if not chart then -- the type itself is wrong; that error says enough
        out[k] = x
      elseif #names == 0 then
        errs(errors.new("invalid_spec", path, string.format('unknown option "%s"; the %s chart has no options',
          tostring(k), chart.name)))
      else
        errs(errors.new("invalid_spec", path, string.format('unknown option "%s"%s; the %s chart\'s options are %s',
          tostring(k), did_you_mean(k, names), chart.name, join(names))))
      end
    elseif type(kind) == "table" then
      local ok = false
      for _, e in ipairs(kind) do if e == x then ok = true end end
      if ok then out[k] = x else
        errs(errors.new("invalid_spec", path, string.format("must be one of %s; got %s", join(kind), show(x))))
      end
    elseif kind == "array" and is_array(x) then
      -- A list option (e.g. parallel's fields); the chart checks the items.
      out[k] = x
    elseif type(x) == kind and (kind ~= "number" or finite(x)) then
      out[k] = x
    else
      errs(errors.new("invalid_spec", path, string.format("must be %s, got %s", describe_option(kind), show(x))))
    end
  end
  return out
end

local function check_int(errs, v, path, lo, hi)
  local n = whole(v)
  if not n or n < lo or n > hi then
    errs(errors.new("invalid_spec", path, string.format("must be an integer from %d to %d, got %s", lo, hi, show(v))))
    return nil
  end
  return n
end

-- Whether a chart type also takes encoding.column/row (drawn as small multiples).
function M.facetable(name)
  for _, c in ipairs(require("charts").FACETABLE) do if c == name then return true end end
  return false
end

-- validate.spec(input, opts) → normalized spec | nil, { error, ... } sorted by path.
function M.spec(input, opts)
  opts = opts or {}
  local list = {}
  local function errs(e) list[#list + 1] = e end

  if not is_object(input) then
    return nil, { errors.new("invalid_spec", "", "the spec must be a JSON object, got " .. show(input)) }
  end
  local charts, themes = registries(opts)
  check_keys(errs, input, "", TOP_SET, M.TOP_KEYS)

  local out = {}
  for _, k in ipairs({ "description", "annotations", "seed" }) do out[k] = input[k] end

  -- type
  local chart
  local chart_names = charts and charts.names() or {}
  if input.type == nil or input.type == json.null then
    errs(errors.new("invalid_spec", "type", "required; available types are " .. join(chart_names)))
  elseif type(input.type) ~= "string" then
    errs(errors.new("unknown_chart_type", "type", "must be a string naming a chart type; available types are "
      .. join(chart_names)))
  else
    -- A chart module that fails to load is a server bug, but it must still
    -- come back as an error value rather than a traceback.
    local ok, mod = true, nil
    if charts then ok, mod = pcall(charts.get, input.type) end
    if not ok then
      errs(errors.new("unknown_chart_type", "type", string.format('chart type "%s" cannot be loaded: %s',
        input.type, tostring(mod))))
    elseif type(mod) == "table" then
      chart = mod
    end
    if not ok then
      chart = nil
    elseif not chart then
      errs(errors.new("unknown_chart_type", "type", string.format('unknown chart type "%s"%s; available types are %s',
        input.type, did_you_mean(input.type, chart_names), join(chart_names))))
    else
      out.type = input.type
    end
  end

  -- theme
  local theme = input.theme
  if theme == nil or theme == json.null then theme = M.DEFAULTS.theme end
  local theme_names = themes and themes.names() or {}
  local known = false
  for _, t in ipairs(theme_names) do if t == theme then known = true end end
  if not known then
    errs(errors.new("unknown_theme", "theme", string.format('unknown theme %s%s; available themes are %s',
      show(theme), did_you_mean(theme, theme_names), join(theme_names))))
  else
    out.theme = theme
  end

  -- size and output
  out.width = M.DEFAULTS.width
  if input.width ~= nil then out.width = check_int(errs, input.width, "width", 16, 8192) end
  out.height = M.DEFAULTS.height
  if input.height ~= nil then out.height = check_int(errs, input.height, "height", 16, 8192) end
  out.scale = M.DEFAULTS.scale
  if input.scale ~= nil then
    local s = input.scale
    if type(s) ~= "number" or not (s >= 0.5 and s <= 4) then
      errs(errors.new("invalid_spec", "scale", "must be a number from 0.5 to 4, got " .. show(s)))
    else
      out.scale = whole(s) or s
    end
  end
  out.format = M.DEFAULTS.format
  if input.format ~= nil then out.format = check_enum(errs, input.format, "format", FORMAT_SET, M.FORMATS) end
  if math.type(out.width) == "integer" and math.type(out.height) == "integer" and type(out.scale) == "number" then
    local png = out.format == "png"
    local pixels = out.width * out.height * (png and out.scale * out.scale or 1)
    local limit = max_pixels()
    if pixels > limit then
      errs(errors.new("invalid_spec", "width", ("%s is %s pixels, over the limit of %s (CHARTD_MAX_PIXELS); "
        .. "make the chart smaller%s"):format(
          png and ("width × height × scale² = %d × %d × %s²"):format(out.width, out.height, tostring(out.scale))
            or ("width × height = %d × %d"):format(out.width, out.height),
          grouped(pixels), grouped(limit), png and out.scale > 1 and " or lower the scale" or "")))
    end
  end

  for _, k in ipairs({ "title", "subtitle" }) do
    if input[k] ~= nil and input[k] ~= json.null then out[k] = check_string(errs, input[k], k, MAX_TITLE) end
  end
  if input.description ~= nil then out.description = check_string(errs, input.description, "description", 2000) end
  if input["$schema"] ~= nil then check_string(errs, input["$schema"], "$schema", 500) end
  if input.seed ~= nil and not whole(input.seed) then
    errs(errors.new("invalid_spec", "seed", "must be an integer, got " .. show(input.seed)))
  end
  out.annotations = annotations.check(errs, input.annotations)
  out.config = config.check(errs, input.config)

  -- data
  local df
  if input.data == nil or input.data == json.null then
    errs(errors.new("invalid_data", "data", "no rows; give data.values, data.columns+rows, or a CSV string"))
  else
    local data, units = input.data, nil
    if input.transform ~= nil and input.transform ~= json.null then
      local ok, res, res_units = pcall(transforms.run_on_data, input.data, input.transform)
      if ok then data, units = res, res_units elseif errors.is(res) then data = nil; errs(res) else error(res, 0) end
      if data and type(data.values) == "table" and #data.values == 0 then
        data = nil
        errs(errors.new("invalid_data", "transform", "no rows are left after the transforms (a filter keeps none)"))
      end
    end
    if data then
      local err
      df, err = frame.from_data(data, "data")
      if not df then errs(err) end
      for name, unit in pairs(df and units or {}) do -- the transformed numbers keep their units
        if df.types[name] == "quantitative" then df.units[name] = unit end
      end
    end
  end
  out.data = df

  -- encoding
  local enc = input.encoding
  if enc == nil or enc == json.null then enc = {} end
  out.encoding = {}
  if not is_object(enc) then
    errs(errors.new("invalid_spec", "encoding",
      "must be an object like {\"x\": {\"field\": \"month\"}}, got " .. show(enc)))
    enc = {}
  end
  -- Options first: a chart's channels may depend on them (facet's options.chart).
  local paneled = is_object(enc) and (enc.column ~= nil or enc.row ~= nil) and chart and M.facetable(chart.name)
  out.options = check_options(errs, input.options, chart, paneled)
  local allowed = set_of(M.CHANNELS)
  local required, optional = {}, {}
  local encodings = chart and (chart.encodings_for and chart.encodings_for(out.options) or chart.encodings)
  if encodings then
    required = encodings.required or {}
    optional = encodings.optional or {}
    if chart.name ~= "facet" and charts and M.facetable(chart.name) then -- small multiples of this type
      optional = { table.unpack(optional) }
      optional[#optional + 1], optional[#optional + 2] = "column", "row"
    end
    for _, c in ipairs(required) do allowed[c] = true end
    for _, c in ipairs(optional) do allowed[c] = true end
  end
  if chart and chart.name ~= "facet" and not M.facetable(chart.name) then
    allowed.column, allowed.row = nil, nil -- only the basic types split into small multiples
  end
  local allowed_list = {}
  for c in pairs(allowed) do allowed_list[#allowed_list + 1] = c end
  table.sort(allowed_list)
  local forced = {}
  local chans = {}
  for k in pairs(enc) do chans[#chans + 1] = k end
  table.sort(chans, function(a, b) return tostring(a) < tostring(b) end)
  for _, name in ipairs(chans) do
    if not allowed[name] then
      errs(errors.new("invalid_spec", "encoding." .. tostring(name), string.format(
        'unknown channel "%s"%s; channels are %s', tostring(name), did_you_mean(name, allowed_list),
        join(allowed_list))))
    else
      out.encoding[name] = check_channel(errs, name, enc[name], df, forced)
    end
  end
  if chart then
    local uses = join(required) .. " (required)"
    if #optional > 0 then uses = uses .. " and " .. join(optional) .. " (optional)" end
    for _, c in ipairs(required) do
      if enc[c] == nil or enc[c] == json.null then
        errs(errors.new("missing_encoding", "encoding." .. c, string.format(
          "the %s chart needs encoding.%s; its channels are %s", chart.name or input.type, c, uses)))
      end
    end
  end

  if #list > 0 then
    -- Stable sort by path: same-path errors keep the order they were found in.
    for i, e in ipairs(list) do e._i = i end
    table.sort(list, function(a, b)
      if a.path ~= b.path then return (a.path or "") < (b.path or "") end
      return a._i < b._i
    end)
    for _, e in ipairs(list) do e._i = nil end
    return nil, list
  end
  return out
end

-- Joins a list of errors into one message (for a single `error` reply).
function M.message(list)
  local parts = {}
  for i, e in ipairs(list) do parts[i] = e.message end
  return table.concat(parts, "\n")
end

return M
