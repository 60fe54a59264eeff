-- `config`: a spec's changes to its theme, named as Vega-Lite names them — grid lines, label
-- angle, legend position, a single mark colour, line width, point size, the category colours,
-- background and font. check() validates it (errors name the path and the allowed keys);
-- apply() returns the theme with the changes laid over it (the theme itself is untouched).
local color = require "layout.color"
local errors = require "util.errors"
local json = require "util.json"

local M = {}

-- group → key → kind ("boolean", "number", "color", "colors", "string", or a list of values)
M.KEYS = {
  axis = { grid = "boolean", labelAngle = "number", labelFontSize = "number", titleFontSize = "number" },
  axisX = { grid = "boolean", labelAngle = "number" },
  axisY = { grid = "boolean" },
  legend = { orient = { "right", "top", "bottom", "none" }, disable = "boolean", labelFontSize = "number" },
  title = { fontSize = "number" },
  mark = { color = "color", strokeWidth = "number", size = "number" },
  line = { strokeWidth = "number", color = "color" },
  bar = { color = "color" },
  point = { size = "number", color = "color" },
  area = { color = "color" },
  range = { category = "colors" },
}
M.TOP = { background = "color", font = "string" }

local function sorted_keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out)
  return out
end

local function check_value(errs, v, kind, path)
  if type(kind) == "table" then
    for _, x in ipairs(kind) do if x == v then return true end end
    errs(errors.new("invalid_spec", path, ("must be one of %s"):format(table.concat(kind, ", "))))
  elseif kind == "boolean" then
    if type(v) == "boolean" then return true end
    errs(errors.new("invalid_spec", path, "must be true or false"))
  elseif kind == "number" then
    if type(v) == "number" and v == v and math.abs(v) < 1e6 then return true end
    errs(errors.new("invalid_spec", path, "must be a number"))
  elseif kind == "string" then
    if type(v) == "string" and #v <= 100 then return true end
    errs(errors.new("invalid_spec", path, "must be a string of at most 100 characters"))
  elseif kind == "color" then
    local ok, why = color.parse(v)
    if ok then return true end
    errs(errors.new("invalid_spec", path, why))
  elseif kind == "colors" then
    if type(v) == "table" and #v >= 1 and #v <= 64 then
      for i, c in ipairs(v) do
        if not check_value(errs, c, "color", ("%s[%d]"):format(path, i - 1)) then return false end
      end
      return true
    end
    errs(errors.new("invalid_spec", path, "must be an array of 1 to 64 colours"))
  end
  return false
end

-- check(errs, v) → the config (as given) or nil.
function M.check(errs, v)
  if v == nil or v == json.null then return nil end
  if type(v) ~= "table" or json.is_array(v) then
    errs(errors.new("invalid_spec", "config", 'must be an object like {"axis": {"grid": false}}'))
    return nil
  end
  local allowed = sorted_keys(M.KEYS)
  for _, k in ipairs(sorted_keys(M.TOP)) do allowed[#allowed + 1] = k end
  table.sort(allowed)
  for _, k in ipairs(sorted_keys(v)) do
    local path = "config." .. tostring(k)
    if M.TOP[k] then
      check_value(errs, v[k], M.TOP[k], path)
    elseif M.KEYS[k] then
      local group = v[k]
      if type(group) ~= "table" or json.is_array(group) then
        errs(errors.new("invalid_spec", path, "must be an object"))
      else
        local keys = sorted_keys(M.KEYS[k])
        for _, kk in ipairs(sorted_keys(group)) do
          local kind = M.KEYS[k][kk]
          if kind then
            check_value(errs, group[kk], kind, path .. "." .. tostring(kk))
          else
            errs(errors.new("invalid_spec", path .. "." .. tostring(kk), ('unknown key; %s takes %s')
              :format(path, table.concat(keys, ", "))))
          end
        end
      end
    else
      errs(errors.new("invalid_spec", path, ("unknown key; config takes %s"):format(table.concat(allowed, ", "))))
    end
  end
  return v
end

local function hex(c)
  local r, g, b, a = color.parse(c)
  return r and color.to_hex(r, g, b, a) or nil
end

-- apply(theme, cfg) → theme with cfg's changes (a copy when there are any).
function M.apply(theme, cfg)
  if not cfg then return theme end
  local t = {}
  for k, v in pairs(theme) do t[k] = v end
  local function get(group, key) return cfg[group] and cfg[group][key] end
  local axis_grid = get("axis", "grid")
  if axis_grid ~= nil then t.grid_vertical, t.grid_horizontal = axis_grid, axis_grid end
  if get("axisX", "grid") ~= nil then t.grid_vertical = get("axisX", "grid") end
  if get("axisY", "grid") ~= nil then t.grid_horizontal = get("axisY", "grid") end
  t.label_angle = get("axisX", "labelAngle") or get("axis", "labelAngle") or t.label_angle
  if get("legend", "disable") then t.legend_orient = "none" end
  t.legend_orient = get("legend", "orient") or t.legend_orient
  local width = get("line", "strokeWidth") or get("mark", "strokeWidth")
  if width then t.line_width = math.max(0.25, math.min(width, 20)) end
  local size = get("point", "size") or get("mark", "size")
  if size and size > 0 then t.point_radius = math.min(math.sqrt(size / math.pi), 40) end
  local palette = cfg.range and cfg.range.category
  if palette then
    t.palette = {}
    for i, c in ipairs(palette) do t.palette[i] = hex(c) end
  end
  local one = get("mark", "color") or get("bar", "color") or get("line", "color") or get("point", "color")
    or get("area", "color")
  if one then
    -- a single series is drawn in the first palette colour
    local base, p = t.palette or {}, { hex(one) }
    for i = 2, #base do p[#p + 1] = base[i] end
    t.palette = p
  end
  -- font sizes in points, Vega-Lite's names, kept readable (6 to 48)
  local sizes = {
    tick = get("axis", "labelFontSize"), axis_title = get("axis", "titleFontSize"),
    title = get("title", "fontSize"), legend = get("legend", "labelFontSize"),
  }
  if next(sizes) then
    t.font_sizes = {}
    for k, v in pairs(theme.font_sizes or {}) do t.font_sizes[k] = v end
    for k, v in pairs(sizes) do t.font_sizes[k] = math.max(6, math.min(v, 48)) end
    -- value labels follow the axis labels
    if sizes.tick then t.font_sizes.label = t.font_sizes.tick - 1 end
  end
  if cfg.background then t.background = hex(cfg.background) end
  if cfg.font then t.font = cfg.font end
  return t
end

return M
