-- The theme registry: themes/<name>.lua files are data (a table literal),
-- loaded text-only in an empty environment so a theme can never run code
-- with access to anything.
local errors = require "util.errors"
local datafile = require "util.datafile"
local fs = require "chartd.fs"

local M = {}

local MAX_BYTES = 64 * 1024

-- Where theme files live: CHARTD_HOME's themes/.
M.dir = datafile.path("themes")

-- Keys every theme must have, with the Lua type each must be.
M.REQUIRED = {
  name = "string", background = "string", foreground = "string", muted = "string",
  grid = "string", axis = "string", font = "string", font_sizes = "table",
  palette = "table", sequential = "table", diverging = "table", padding = "number",
  number = "table", line_width = "number", point_radius = "number", bar_radius = "number",
}
M.FONT_SIZES = { "title", "subtitle", "axis_title", "tick", "legend", "label", "note" }

-- Cache of loaded themes; a reload of this module (or themes.reload) drops it.
local cache = {}

local function valid_name(name)
  return type(name) == "string" and #name <= 64 and name:match("^[a-z0-9_-]+$") ~= nil
end

local function list_dir(dir)
  local names = {}
  for _, f in ipairs(fs.list(dir) or {}) do
    local n = f:match("^(.+)%.lua$")
    if n and valid_name(n) then names[#names + 1] = n end
  end
  return names
end

-- Sorted names of the available themes.
function M.names()
  return list_dir(M.dir)
end

local function is_hex(c)
  return type(c) == "string" and (c:match("^#%x%x%x%x%x%x$") or c:match("^#%x%x%x%x%x%x%x%x$")) ~= nil
end

-- Checks a loaded theme table; → true | nil, message naming the file and key.
function M.check(t, file)
  if type(t) ~= "table" then return nil, file .. ": a theme file must return a table" end
  local keys = {}
  for k in pairs(M.REQUIRED) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    if type(t[k]) ~= M.REQUIRED[k] then
      return nil, string.format("%s: key %s must be a %s, got %s", file, k, M.REQUIRED[k], type(t[k]))
    end
  end
  for _, k in ipairs({ "background", "foreground", "muted", "grid", "axis" }) do
    if not is_hex(t[k]) then return nil, string.format('%s: key %s must be a "#rrggbb" colour', file, k) end
  end
  for _, k in ipairs(M.FONT_SIZES) do
    if type(t.font_sizes[k]) ~= "number" then
      return nil, string.format("%s: key font_sizes.%s must be a number", file, k)
    end
  end
  for _, k in ipairs({ "palette", "sequential", "diverging" }) do
    if #t[k] < 2 then return nil, string.format("%s: key %s needs at least 2 colours", file, k) end
    for i, c in ipairs(t[k]) do
      if not is_hex(c) then
        return nil, string.format('%s: key %s[%d] must be a "#rrggbb" colour', file, k, i)
      end
    end
  end
  return true
end

local function load_theme(name)
  local file = M.dir .. "/" .. name .. ".lua"
  local t, err = datafile.load(file, MAX_BYTES)
  if not t then return nil, err end
  local good, msg = M.check(t, file)
  if not good then return nil, msg end
  return t
end

-- themes.get(name) → theme table | nil, errors.new("unknown_theme", "theme", ...)
function M.get(name)
  if valid_name(name) and cache[name] then return cache[name] end
  local t, err
  if valid_name(name) then t, err = load_theme(name) end
  if t then
    cache[name] = t
    return t
  end
  if err then
    return nil, errors.new("unknown_theme", "theme", string.format('theme "%s" cannot be loaded: %s', name, err))
  end
  return nil, errors.new("unknown_theme", "theme", string.format('unknown theme "%s"; available themes are %s',
    tostring(name), table.concat(M.names(), ", ")))
end

-- Type and spacing follow the canvas: a theme's sizes are for 800×600 and shrink with the
-- square root of the smaller side's ratio (a 300×200 chart keeps 70 %), never above the
-- theme's own and never below the floor: MIN_FONT px, the smallest text that stays
-- readable on a screen, on any canvas at least a phone's chart (PHONE: what the narrowest
-- phone, 320 px, has room for once a page's margins are taken, 4:3); smaller canvases
-- (thumbnails, sparklines) go down to THUMB_FONT.
-- Titles and spacing keep shrinking; labels and ticks stop at the floor (out.min_font, where
-- crowded category labels stop too). Returns a copy; the theme stays as loaded.
M.MIN_FONT = 10
M.THUMB_FONT = 8
M.PHONE = { width = 280, height = 210 }
M.MIN_SCALE = 0.7

function M.min_font(width, height)
  return (width >= M.PHONE.width and height >= M.PHONE.height) and M.MIN_FONT or M.THUMB_FONT
end

function M.for_size(theme, width, height)
  local s = math.sqrt(math.min(width / 800, height / 600))
  s = math.max(M.MIN_SCALE, math.min(1, s))
  local floor = M.min_font(width, height)
  local out = {}
  for k, v in pairs(theme) do out[k] = v end
  out.font_sizes = {}
  for k, v in pairs(theme.font_sizes) do
    out.font_sizes[k] = math.max(math.min(v, floor), math.floor(v * s * 2 + 0.5) / 2)
  end
  out.padding = math.floor(theme.padding * s + 0.5)
  out.size_scale = s
  out.min_font = floor -- crowded labels shrink no further (layout.frame)
  return out
end

-- Forgets loaded themes so edited files are read again.
function M.reload()
  cache = {}
end

return M
