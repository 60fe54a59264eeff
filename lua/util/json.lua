-- JSON for chartd: decode through lua-cjson (fast, strict), encode with a small
-- Lua encoder so output is deterministic (sorted keys), integers stay integers,
-- empty arrays survive (json.array) and NaN/Infinity are refused with a path.
local cjson = require "cjson"

local M = {}

-- A private cjson instance: its settings are global per instance, and other
-- code in the same state must not be able to change ours.
local cj = cjson.new()

M.null = cjson.null

local array_mt = { __name = "json.array" }
local object_mt = { __name = "json.object" }

-- Marks t (default a new table) so it encodes as a JSON array even when empty.
function M.array(t)
  return setmetatable(t or {}, array_mt)
end

-- Marks t so it encodes as a JSON object even when empty or array-like.
function M.object(t)
  return setmetatable(t or {}, object_mt)
end

function M.is_array(t)
  return getmetatable(t) == array_mt
end

-- Decode -----------------------------------------------------------------------

-- cjson names tokens by their C enum; say what a person would.
local token_names = {
  T_OBJ_BEGIN = "'{'", T_OBJ_END = "'}'", T_ARR_BEGIN = "'['", T_ARR_END = "']'",
  T_STRING = "a string", T_NUMBER = "a number", T_BOOLEAN = "a boolean",
  T_NULL = "null", T_COLON = "':'", T_COMMA = "','", T_END = "the end of the text",
}

local function position(text, char)
  local line, line_start = 1, 1
  local i = 1
  while true do
    local nl = text:find("\n", i, true)
    if not nl or nl >= char then break end
    line, line_start, i = line + 1, nl + 1, nl + 1
  end
  return line, char - line_start + 1
end

local function decode_error(text, raw)
  raw = tostring(raw):gsub("^.-:%d+: ", "")
  local what, char = raw:match("^(.-) at character (%d+)$")
  if not what then return "invalid JSON: " .. raw end
  what = what:gsub("T_[%u_]+", token_names)
  what = what:sub(1, 1):lower() .. what:sub(2)
  local line, col = position(text, tonumber(char))
  return string.format("invalid JSON at line %d, column %d: %s", line, col, what)
end

-- cjson cannot tell "[]" from "{}" after decoding. Empty arrays are rewritten
-- to a one-element array holding this marker string, then restored as
-- json.array({}) by fix().
local EMPTY = "\0chartd.empty-array\0"
local EMPTY_JSON = '["\\u0000chartd.empty-array\\u0000"]'

-- Finds "[ ]" outside strings; returns the rewritten text or nil when none.
local function mark_empty_arrays(text)
  local parts, last, i, found = {}, 1, 1, false
  while true do
    local s = text:find('[%["]', i)
    if not s then break end
    if text:byte(s) == 34 then -- a string: skip it, honouring escapes
      local j = s + 1
      i = #text + 1
      while true do
        local e = text:find('["\\]', j)
        if not e then break end
        if text:byte(e) == 92 then j = e + 2 else i = e + 1 break end
      end
    else
      local e = text:match("^[ \t\r\n]*()%]", s + 1)
      if e then
        parts[#parts + 1] = text:sub(last, s - 1)
        parts[#parts + 1] = EMPTY_JSON
        last, found = e + 1, true
        i = e + 1
      else
        i = s + 1
      end
    end
  end
  if not found then return nil end
  parts[#parts + 1] = text:sub(last)
  return table.concat(parts)
end

local TWO53 = 2 ^ 53

-- Whole floats back to integers; marker arrays back to empty arrays.
local function fix(v)
  if type(v) == "number" then
    if math.type(v) == "float" and v == math.floor(v) and v >= -TWO53 and v <= TWO53 then
      return math.tointeger(v)
    end
    return v
  elseif type(v) == "table" then
    if v[1] == EMPTY and v[2] == nil then return M.array({}) end
    for k, x in pairs(v) do v[k] = fix(x) end
  end
  return v
end

-- json.decode(text) → value | nil, "invalid JSON at line L, column C: ..."
function M.decode(text)
  if type(text) ~= "string" then
    return nil, "invalid JSON: expected text, got " .. type(text)
  end
  local marked = mark_empty_arrays(text)
  -- An input that itself contains the marker would be misread; decode it plain.
  if marked and text:find("chartd.empty-array", 1, true) then marked = nil end
  local ok, value = pcall(cj.decode, marked or text)
  if not ok then
    -- Re-run on the original text so the position refers to what was sent.
    local ok2, err2 = pcall(cj.decode, text)
    return nil, decode_error(text, ok2 and value or err2)
  end
  return fix(value)
end

-- Encode -----------------------------------------------------------------------

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}
for c = 0, 31 do
  local ch = string.char(c)
  escapes[ch] = escapes[ch] or string.format("\\u%04x", c)
end

local function where(path)
  return path == "" and "(root)" or path
end

-- A byte that is not printable ASCII, or is a quote or backslash (']' first: literal there).
local PLAIN = "[^\93-\126\32-\33\35-\91]"

local function encode_string(s, path)
  -- Most strings (keys, dates, names) are printable ASCII without a quote or backslash: nothing
  -- to check or escape (the UTF-8 check and the escapes below change nothing in them).
  if not s:find(PLAIN) then return '"' .. s .. '"' end
  if not utf8.len(s) then
    error({ path = path, message = "invalid UTF-8 in string" }, 0)
  end
  s = s:gsub('[%c"\\]', function(c) return escapes[c] or c end)
  -- U+2028/2029 are valid JSON but break JavaScript string literals.
  s = s:gsub("\226\128\168", "\\u2028"):gsub("\226\128\169", "\\u2029")
  return '"' .. s .. '"'
end

local function encode_number(n, path)
  if math.type(n) == "integer" then return string.format("%d", n) end
  if n ~= n then error({ path = path, message = "NaN cannot be encoded as JSON" }, 0) end
  if n == math.huge or n == -math.huge then
    error({ path = path, message = "Infinity cannot be encoded as JSON" }, 0)
  end
  -- Shortest of 15/16/17 significant digits that reads back exactly.
  for _, p in ipairs({ 15, 16, 17 }) do
    local s = string.format("%." .. p .. "g", n)
    if tonumber(s) == n then return s end
  end
  return string.format("%.17g", n)
end

local encode_value

-- opts.indent (spaces) lays objects out a member a line; an array of plain values stays on one.
local function scalars(t, n)
  for i = 1, n do
    if type(t[i]) == "table" then return false end
  end
  return true
end

local function encode_table(t, path, depth, out, indent)
  if depth > 1000 then error({ path = path, message = "nesting deeper than 1000 (a cycle?)" }, 0) end
  local mt = getmetatable(t)
  local count, strings = 0, true
  for k in pairs(t) do
    count = count + 1
    if type(k) ~= "string" then strings = false end
  end
  local n = #t
  local is_array
  if mt == array_mt then
    is_array = true
    if count ~= n then error({ path = path, message = "json.array has non-array keys" }, 0) end
  elseif mt == object_mt or count == 0 then
    is_array = false
  elseif n == count then
    is_array = true
  elseif strings then
    is_array = false
  else
    error({ path = path, message = "table mixes array and object keys (or has holes)" }, 0)
  end
  local nl = indent and ("\n" .. (" "):rep(indent * (depth + 1))) or nil
  if is_array then
    local wrap = nl and n > 0 and not scalars(t, n)
    out[#out + 1] = "["
    for i = 1, n do
      if i > 1 then out[#out + 1] = (nl and not wrap) and ", " or "," end
      if wrap then out[#out + 1] = nl end
      encode_value(t[i], path .. "[" .. (i - 1) .. "]", depth + 1, out, indent)
    end
    if wrap then out[#out + 1] = "\n" .. (" "):rep(indent * depth) end
    out[#out + 1] = "]"
  else
    local keys = {}
    for k in pairs(t) do
      if type(k) ~= "string" then
        error({ path = path, message = "object key " .. tostring(k) .. " is not a string" }, 0)
      end
      keys[#keys + 1] = k
    end
    table.sort(keys)
    out[#out + 1] = "{"
    for i, k in ipairs(keys) do
      if i > 1 then out[#out + 1] = "," end
      if nl then out[#out + 1] = nl end
      out[#out + 1] = encode_string(k, path)
      out[#out + 1] = nl and ": " or ":"
      encode_value(t[k], path == "" and k or path .. "." .. k, depth + 1, out, indent)
    end
    if nl and #keys > 0 then out[#out + 1] = "\n" .. (" "):rep(indent * depth) end
    out[#out + 1] = "}"
  end
end

encode_value = function(v, path, depth, out, indent)
  local tv = type(v)
  if v == nil or v == M.null then
    out[#out + 1] = "null"
  elseif tv == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif tv == "number" then
    out[#out + 1] = encode_number(v, path)
  elseif tv == "string" then
    out[#out + 1] = encode_string(v, path)
  elseif tv == "table" then
    encode_table(v, path, depth, out, indent)
  else
    error({ path = path, message = "cannot encode a " .. tv .. " as JSON" }, 0)
  end
end

-- json.encode(value [, { indent = 2 }]) → string | nil, "path: message"
function M.encode(value, opts)
  local out = {}
  local ok, err = pcall(encode_value, value, "", 0, out, opts and opts.indent)
  if not ok then
    if type(err) == "table" then return nil, where(err.path) .. ": " .. err.message end
    return nil, tostring(err)
  end
  return table.concat(out)
end

return M
