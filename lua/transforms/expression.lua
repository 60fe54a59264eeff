-- Vega's expression language, the subset specs use in filter and calculate: a small, total
-- parser (every input gives a tree or an error naming the position, in bounded time) and an
-- evaluator with JavaScript's rules for the operators and a fixed list of functions. Nothing
-- here calls load, and no function reaches files, the network or the host.
local calendar = require "util.calendar"
local frame = require "data.frame"
local json = require "util.json"

local M = {}

M.MAX_LENGTH = 2000
M.MAX_DEPTH = 100

-- A date value (what JavaScript's Date is): milliseconds since the epoch, boxed so the result
-- of a calculate can be written back as a date.
local Date = {}
Date.__index = Date
local function date(ms) return setmetatable({ ms = ms }, Date) end
function M.is_date(v) return getmetatable(v) == Date end

-- Tokens ----------------------------------------------------------------------------------

local PUNCT = { "===", "!==", "==", "!=", "<=", ">=", "&&", "||", "??", "<", ">", "+", "-", "*", "/", "%",
  "!", "?", ":", "(", ")", "[", "]", ",", "." }

local function tokenize(src)
  local toks, i, n = {}, 1, #src
  while i <= n do
    local c = src:sub(i, i)
    if c:match("%s") then
      i = i + 1
    elseif c:match("%d") or (c == "." and src:sub(i + 1, i + 1):match("%d")) then
      local s = src:match("^%d*%.?%d*[eE][-+]?%d+", i) or src:match("^%d*%.?%d*", i)
      local hex = src:match("^0[xX]%x+", i)
      if hex then s = hex end
      toks[#toks + 1] = { k = "num", v = tonumber(s), pos = i }
      i = i + #s
    elseif c == "'" or c == '"' then
      local j, buf = i + 1, {}
      while true do
        local ch = src:sub(j, j)
        if ch == "" then error({ pos = i, msg = "unterminated string" }) end
        if ch == c then break end
        if ch == "\\" then
          local e = src:sub(j + 1, j + 1)
          buf[#buf + 1] = ({ n = "\n", t = "\t", r = "\r" })[e] or e
          j = j + 2
        else
          buf[#buf + 1] = ch
          j = j + 1
        end
      end
      toks[#toks + 1] = { k = "str", v = table.concat(buf), pos = i }
      i = j + 1
    elseif c:match("[%a_$]") then
      local s = src:match("^[%w_$]+", i)
      toks[#toks + 1] = { k = "id", v = s, pos = i }
      i = i + #s
    else
      local found
      for _, p in ipairs(PUNCT) do
        if src:sub(i, i + #p - 1) == p then found = p; break end
      end
      if not found then error({ pos = i, msg = ('unexpected character "%s"'):format(c) }) end
      toks[#toks + 1] = { k = "op", v = found, pos = i }
      i = i + #found
    end
  end
  toks[#toks + 1] = { k = "eof", pos = n + 1 }
  return toks
end

-- Parser (precedence climbing) -------------------------------------------------------------

local BINARY = { ["??"] = 1, ["||"] = 2, ["&&"] = 3, ["=="] = 4, ["!="] = 4, ["==="] = 4, ["!=="] = 4,
  ["<"] = 5, [">"] = 5, ["<="] = 5, [">="] = 5, ["+"] = 6, ["-"] = 6, ["*"] = 7, ["/"] = 7, ["%"] = 7 }

local CONSTANTS = { PI = math.pi, E = math.exp(1), LN2 = math.log(2), LN10 = math.log(10),
  LOG2E = 1 / math.log(2), LOG10E = 1 / math.log(10), SQRT2 = math.sqrt(2), SQRT1_2 = math.sqrt(0.5),
  NaN = 0 / 0, Infinity = math.huge, MAX_VALUE = 1.7976931348623157e308, MIN_VALUE = 5e-324 }

local function parser(toks)
  local p = 1
  local depth = 0
  local function peek() return toks[p] end
  local function fail(msg, t) error({ pos = (t or toks[p]).pos, msg = msg }) end
  local function accept(v)
    local t = toks[p]
    if t.k == "op" and t.v == v then p = p + 1; return true end
    return false
  end
  local function expect(v)
    if not accept(v) then fail(('expected "%s"'):format(v)) end
  end
  local expr

  local function primary()
    local t = toks[p]
    p = p + 1
    if t.k == "num" then return { "lit", t.v } end
    if t.k == "str" then return { "lit", t.v } end
    if t.k == "op" and t.v == "(" then
      local e = expr(0)
      expect(")")
      return e
    end
    if t.k == "op" and t.v == "[" then
      local items = {}
      if not accept("]") then
        repeat items[#items + 1] = expr(0) until not accept(",")
        expect("]")
      end
      return { "array", items }
    end
    if t.k == "id" then
      local name = t.v
      if name == "true" then return { "lit", true } end
      if name == "false" then return { "lit", false } end
      if name == "null" then return { "lit", json.null } end
      if name == "undefined" then return { "lit", nil } end
      if name == "datum" then return { "datum" } end
      if CONSTANTS[name] then return { "lit", CONSTANTS[name] } end
      if toks[p].k == "op" and toks[p].v == "(" then
        p = p + 1
        if not M.FUNCTIONS[name] then
          fail(('unknown function "%s"; functions are %s'):format(name, M.function_names()), t)
        end
        local args = {}
        if not accept(")") then
          repeat args[#args + 1] = expr(0) until not accept(",")
          expect(")")
        end
        return { "call", name, args }
      end
      fail(('unknown name "%s" (fields are read as datum.name or datum["name"])'):format(name), t)
    end
    if t.k == "eof" then fail("unexpected end of expression", t) end
    fail(('unexpected "%s"'):format(tostring(t.v)), t)
  end

  local function postfix()
    local e = primary()
    while true do
      if accept(".") then
        local t = toks[p]
        if t.k ~= "id" then fail("expected a name after \".\"") end
        p = p + 1
        e = { "member", e, { "lit", t.v } }
      elseif accept("[") then
        local key = expr(0)
        expect("]")
        e = { "member", e, key }
      else
        return e
      end
    end
  end

  local function unary()
    local t = toks[p]
    if t.k == "op" and (t.v == "-" or t.v == "+" or t.v == "!") then
      p = p + 1
      depth = depth + 1
      if depth > M.MAX_DEPTH then fail("expression nested too deeply") end
      local e = { "unary", t.v, unary() }
      depth = depth - 1
      return e
    end
    return postfix()
  end

  function expr(min)
    depth = depth + 1
    if depth > M.MAX_DEPTH then fail("expression nested too deeply") end
    local left = unary()
    while true do
      local t = peek()
      local prec = t.k == "op" and BINARY[t.v]
      if t.k == "op" and t.v == "?" and min == 0 then
        p = p + 1
        local a = expr(0)
        expect(":")
        local b = expr(0)
        left = { "cond", left, a, b }
      elseif prec and prec > min then
        p = p + 1
        local right = expr(prec)
        left = { "bin", t.v, left, right }
      else
        break
      end
    end
    depth = depth - 1
    return left
  end

  local tree = expr(0)
  if toks[p].k ~= "eof" then fail(('unexpected "%s"'):format(tostring(toks[p].v))) end
  return tree
end

-- M.parse(text) → tree | nil, "message at column N".
function M.parse(text)
  if type(text) ~= "string" then return nil, "must be a string" end
  if #text > M.MAX_LENGTH then return nil, ("longer than %d characters"):format(M.MAX_LENGTH) end
  local ok, res = pcall(function() return parser(tokenize(text)) end)
  if ok then return res end
  if type(res) == "table" and res.msg then return nil, ("%s at column %d"):format(res.msg, res.pos) end
  error(res, 0)
end

-- JavaScript's conversions ------------------------------------------------------------------

local function is_null(v) return v == nil or v == json.null end

local function to_number(v)
  if type(v) == "number" then return v end
  if M.is_date(v) then return v.ms end
  if v == true then return 1 end
  if v == false or v == json.null then return 0 end
  if type(v) == "string" then
    local s = v:match("^%s*(.-)%s*$")
    if s == "" then return 0 end
    local n = frame.parse_number(s)
    if n then return n end
    return 0 / 0
  end
  return 0 / 0
end
M.to_number = to_number

-- A value as a date instant in ms (numbers are ms; text is read as Date.parse would).
local function to_ms(v)
  if M.is_date(v) then return v.ms end
  if type(v) == "number" then return v end
  if type(v) == "string" then
    local t = frame.parse_date(v)
    if t then return t * 1000 end
    local y = v:match("^%s*(%d%d%d%d)%s*$")
    if y then return calendar.days_from_civil(tonumber(y), 1, 1) * 86400000 end
  end
  return nil
end
M.to_ms = to_ms

local function num_text(n)
  if n ~= n then return "NaN" end
  if n == math.huge then return "Infinity" end
  if n == -math.huge then return "-Infinity" end
  return frame.number_text(n)
end

local function to_string(v)
  if v == nil then return "undefined" end
  if v == json.null then return "null" end
  if type(v) == "boolean" then return tostring(v) end
  if type(v) == "number" then return num_text(v) end
  if M.is_date(v) then return frame.format_date(v.ms / 1000, "datetime") end
  if type(v) == "table" then
    local parts = {}
    for i, x in ipairs(v) do parts[i] = is_null(x) and "" or to_string(x) end
    return table.concat(parts, ",")
  end
  return tostring(v)
end
M.to_string = to_string

local function truthy(v)
  if v == nil or v == json.null or v == false or v == "" then return false end
  if type(v) == "number" then return v == v and v ~= 0 end
  return true
end
M.truthy = truthy

-- Primitive for comparison: dates as ms; text that is a date compares with numbers as its
-- instant (Vega-Lite parses temporal fields before filters run).
local function prim(v)
  if M.is_date(v) then return v.ms end
  return v
end

local function loose_equal(a, b)
  a, b = prim(a), prim(b)
  if is_null(a) or is_null(b) then return is_null(a) and is_null(b) end
  if type(a) == type(b) then return a == b end
  if type(a) == "boolean" then a = to_number(a) end
  if type(b) == "boolean" then b = to_number(b) end
  if type(a) == "string" and type(b) == "number" then
    local n = to_number(a)
    if n ~= n then n = to_ms(a) or n end
    return n == b
  end
  if type(a) == "number" and type(b) == "string" then return loose_equal(b, a) end
  return a == b
end

local function compare(op, a, b)
  a, b = prim(a), prim(b)
  if not (type(a) == "string" and type(b) == "string") then
    local na, nb = to_number(a), to_number(b)
    if na ~= na and type(a) == "string" then na = to_ms(a) or na end
    if nb ~= nb and type(b) == "string" then nb = to_ms(b) or nb end
    if a == nil then na = 0 / 0 end
    if b == nil then nb = 0 / 0 end
    a, b = na, nb
  end
  if op == "<" then return a < b elseif op == ">" then return a > b
  elseif op == "<=" then return a <= b else return a >= b end
end

local function js_mod(a, b)
  if b == 0 or a ~= a or b ~= b or a == math.huge or a == -math.huge then return 0 / 0 end
  return math.fmod(a, b)
end

-- Evaluation ---------------------------------------------------------------------------------

local eval

local function member(obj, key)
  if is_null(obj) then return nil end
  if type(obj) == "string" then
    if key == "length" then return utf8.len(obj) or #obj end
    local i = tonumber(key)
    if i then return obj:sub(i + 1, i + 1) end
    return nil
  end
  if type(obj) == "table" and not M.is_date(obj) then
    if key == "length" and (obj[1] ~= nil or json.is_array(obj)) then return #obj end
    if type(key) == "number" then return obj[key + 1] end
    local n = tonumber(key)
    if n and obj[1] ~= nil then return obj[n + 1] end
    return obj[key]
  end
  return nil
end

function eval(node, datum)
  local kind = node[1]
  if kind == "lit" then return node[2] end
  if kind == "datum" then return datum end
  if kind == "member" then
    local key = eval(node[3], datum)
    if type(key) == "number" and node[3][1] ~= "lit" then return member(eval(node[2], datum), key) end
    return member(eval(node[2], datum), type(key) == "number" and key or to_string(key))
  end
  if kind == "array" then
    local out = {}
    for i, e in ipairs(node[2]) do out[i] = eval(e, datum) end
    return out
  end
  if kind == "unary" then
    local v = eval(node[3], datum)
    if node[2] == "!" then return not truthy(v) end
    if node[2] == "-" then return -to_number(v) end
    return to_number(v)
  end
  if kind == "cond" then
    if truthy(eval(node[2], datum)) then return eval(node[3], datum) end
    return eval(node[4], datum)
  end
  if kind == "call" then
    local args = {}
    for i, e in ipairs(node[3]) do args[i] = eval(e, datum) end
    return M.FUNCTIONS[node[2]](table.unpack(args, 1, #node[3]))
  end
  -- binary
  local op = node[2]
  if op == "&&" then
    local a = eval(node[3], datum)
    if not truthy(a) then return a end
    return eval(node[4], datum)
  elseif op == "||" then
    local a = eval(node[3], datum)
    if truthy(a) then return a end
    return eval(node[4], datum)
  elseif op == "??" then
    local a = eval(node[3], datum)
    if not is_null(a) then return a end
    return eval(node[4], datum)
  end
  local a, b = eval(node[3], datum), eval(node[4], datum)
  if op == "+" then
    local pa, pb = prim(a), prim(b)
    if type(pa) == "string" or type(pb) == "string" or (type(a) == "table" and not M.is_date(a))
      or (type(b) == "table" and not M.is_date(b)) then
      return to_string(a) .. to_string(b)
    end
    return to_number(a) + to_number(b)
  elseif op == "-" then return to_number(a) - to_number(b)
  elseif op == "*" then return to_number(a) * to_number(b)
  elseif op == "/" then
    local x, y = to_number(a), to_number(b)
    if y == 0 then
      if x == 0 or x ~= x then return 0 / 0 end
      return (x > 0) == (1 / y > 0) and math.huge or -math.huge
    end
    return x / y
  elseif op == "%" then return js_mod(to_number(a), to_number(b))
  elseif op == "==" then return loose_equal(a, b)
  elseif op == "!=" then return not loose_equal(a, b)
  elseif op == "===" then
    a, b = prim(a), prim(b)
    if is_null(a) and is_null(b) then return a == b end
    return type(a) == type(b) and a == b
  elseif op == "!==" then
    a, b = prim(a), prim(b)
    if is_null(a) and is_null(b) then return a ~= b end
    return not (type(a) == type(b) and a == b)
  end
  return compare(op, a, b)
end

-- M.compile(text) → fn(datum) → value | nil, message. fn never raises for any datum.
function M.compile(text)
  local tree, err = M.parse(text)
  if not tree then return nil, err end
  return function(datum)
    local ok, v = pcall(eval, tree, datum)
    if ok then return v end
    if type(v) == "string" and v:find("stopped") then error(v, 0) end -- the host's stop
    return nil
  end
end

-- Functions ----------------------------------------------------------------------------------

local function num_fn(f)
  return function(...)
    local args = table.pack(...)
    for i = 1, args.n do args[i] = to_number(args[i]) end
    return f(table.unpack(args, 1, args.n))
  end
end

local function date_part(get)
  return function(v)
    local ms = to_ms(v)
    if not ms then return 0 / 0 end
    local t = ms / 1000
    local days = math.floor(t / 86400)
    local y, m, d = calendar.civil_from_days(days)
    return get(t, days, y, m, d)
  end
end

local function round_js(x) return math.floor(x + 0.5) end

local PARTS = {
  year = date_part(function(_, _, y) return y end),
  quarter = date_part(function(_, _, _, m) return (m - 1) // 3 + 1 end),
  month = date_part(function(_, _, _, m) return m - 1 end),
  date = date_part(function(_, _, _, _, d) return d end),
  day = date_part(function(_, days) return (days + 4) % 7 end),
  dayofyear = date_part(function(_, days, y) return days - calendar.days_from_civil(y, 1, 1) + 1 end),
  hours = date_part(function(t, days) return math.floor(t - days * 86400) // 3600 end),
  minutes = date_part(function(t, days) return math.floor(t - days * 86400) % 3600 // 60 end),
  seconds = date_part(function(t) return math.floor(t) % 60 end),
  milliseconds = date_part(function(t) return round_js((t % 1) * 1000) % 1000 end),
}

local function make_datetime(y, mo, d, h, mi, s, ms)
  y, mo = to_number(y), to_number(mo or 0)
  d, h, mi, s, ms = to_number(d or 1), to_number(h or 0), to_number(mi or 0), to_number(s or 0), to_number(ms or 0)
  for _, v in ipairs({ y, mo, d, h, mi, s, ms }) do if v ~= v then return date(0 / 0) end end
  local ym = math.floor(mo) // 12
  local days = calendar.days_from_civil(math.floor(y) + ym, math.floor(mo) - ym * 12 + 1, 1) + math.floor(d) - 1
  return date(days * 86400000 + h * 3600000 + mi * 60000 + s * 1000 + ms)
end

local function array_like(v) return type(v) == "table" and not M.is_date(v) end

local function index_of(a, x, last)
  if type(a) == "string" then
    x = to_string(x)
    if last then
      local found = -1
      local s = 1
      while true do
        local i = a:find(x, s, true)
        if not i then break end
        found, s = i - 1, i + 1
      end
      return found
    end
    local i = a:find(x, 1, true)
    return i and i - 1 or -1
  end
  if array_like(a) then
    local lo, hi, step = 1, #a, 1
    if last then lo, hi, step = #a, 1, -1 end
    for i = lo, hi, step do
      if prim(a[i]) == prim(x) then return i - 1 end
    end
  end
  return -1
end

local function slice_of(v, s, e)
  local n = type(v) == "string" and #v or (array_like(v) and #v or 0)
  s = to_number(s or 0)
  e = e == nil and n or to_number(e)
  if s < 0 then s = math.max(0, n + s) end
  if e < 0 then e = math.max(0, n + e) end
  s, e = math.min(math.floor(s), n), math.min(math.floor(e), n)
  if type(v) == "string" then return v:sub(s + 1, e) end
  local out = {}
  for i = s + 1, e do out[#out + 1] = v[i] end
  return out
end

-- d3-format's common specifiers: ",", ".Nf", ".N%", ".Ns" (rounded), "d", "$" prefix.
local function d3_format(v, spec)
  local x = to_number(v)
  spec = to_string(spec or "")
  local currency = spec:find("%$") ~= nil
  local comma = spec:find(",") ~= nil
  local prec, kind = spec:match("%.(%d+)(%a?%%?)$")
  kind = kind or spec:match("(%a)$") or ""
  local s
  if kind == "%" then s = ("%." .. (prec or "0") .. "f"):format(x * 100) .. "%"
  elseif kind == "f" then s = ("%." .. (prec or "6") .. "f"):format(x)
  elseif kind == "d" then s = ("%d"):format(round_js(x))
  elseif kind == "e" then s = ("%." .. (prec or "6") .. "e"):format(x)
  elseif prec then s = ("%." .. prec .. "g"):format(x)
  else s = num_text(x) end
  if comma then
    local sign, int, rest = s:match("^(-?)(%d+)(.*)$")
    if int then s = sign .. int:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "") .. rest end
  end
  if currency then s = s:gsub("^(-?)", "%1$") end
  return s
end

local function time_format(v, spec)
  local ms = to_ms(v)
  if not ms then return "" end
  return require("layout.format").strftime(ms / 1000, to_string(spec or "%Y-%m-%d"))
end

M.FUNCTIONS = {
  -- types
  isValid = function(v) return not is_null(v) and not (type(v) == "number" and v ~= v) end,
  isNumber = function(v) return type(v) == "number" end,
  isString = function(v) return type(v) == "string" end,
  isBoolean = function(v) return type(v) == "boolean" end,
  isDate = function(v) return M.is_date(v) end,
  isArray = function(v) return array_like(v) and (v[1] ~= nil or json.is_array(v)) end,
  isObject = function(v) return type(v) == "table" and v ~= json.null end,
  isDefined = function(v) return v ~= nil end,
  isNaN = function(v) local n = to_number(v); return n ~= n end,
  isFinite = function(v) local n = to_number(v); return n == n and n ~= math.huge and n ~= -math.huge end,
  toNumber = function(v) if is_null(v) or v == "" then return json.null end return to_number(v) end,
  toString = function(v) if is_null(v) then return json.null end return to_string(v) end,
  toBoolean = function(v) if is_null(v) then return json.null end return truthy(v) end,
  toDate = function(v) if is_null(v) then return json.null end local ms = to_ms(v); return date(ms or 0 / 0) end,
  parseFloat = function(v) return tonumber(to_string(v):match("^%s*([-+]?%d*%.?%d+[eE]?[-+]?%d*)")) or 0 / 0 end,
  parseInt = function(v, base)
    local s = to_string(v):match("^%s*([-+]?%w+)")
    return s and tonumber(s:match("^[-+]?%d+") or "", tonumber(base) or 10) or 0 / 0
  end,
  -- math
  abs = num_fn(math.abs), ceil = num_fn(math.ceil), floor = num_fn(math.floor), sqrt = num_fn(math.sqrt),
  exp = num_fn(math.exp), log = num_fn(math.log), sin = num_fn(math.sin), cos = num_fn(math.cos),
  tan = num_fn(math.tan), asin = num_fn(math.asin), acos = num_fn(math.acos), atan = num_fn(math.atan),
  atan2 = num_fn(function(y, x) return math.atan(y, x) end),
  pow = num_fn(function(a, b) return a ^ b end),
  round = num_fn(round_js),
  log10 = num_fn(function(x) return math.log(x, 10) end),
  log2 = num_fn(function(x) return math.log(x, 2) end),
  sign = num_fn(function(x) return x > 0 and 1 or (x < 0 and -1 or x) end),
  trunc = num_fn(function(x) return x >= 0 and math.floor(x) or math.ceil(x) end),
  min = num_fn(function(...)
    local best = math.huge
    for _, v in ipairs({ ... }) do if v ~= v then return v end if v < best then best = v end end
    return best
  end),
  max = num_fn(function(...)
    local best = -math.huge
    for _, v in ipairs({ ... }) do if v ~= v then return v end if v > best then best = v end end
    return best
  end),
  clamp = num_fn(function(x, lo, hi) return math.max(lo, math.min(hi, x)) end),
  inrange = function(x, r)
    if not array_like(r) then return false end
    local v, a, b = to_number(x), to_number(r[1]), to_number(r[2])
    return v >= math.min(a, b) and v <= math.max(a, b)
  end,
  random = function() return 0.5 end, -- deterministic: a chart must not change between renders
  -- text
  length = function(v) if type(v) == "string" then return utf8.len(v) or #v end
    if array_like(v) then return #v end return 0 end,
  upper = function(v) return to_string(v):upper() end,
  lower = function(v) return to_string(v):lower() end,
  trim = function(v) return (to_string(v):match("^%s*(.-)%s*$")) end,
  substring = function(v, s, e)
    v = to_string(v)
    local n = #v
    s = math.max(0, math.min(n, math.floor(to_number(s or 0))))
    e = e == nil and n or math.max(0, math.min(n, math.floor(to_number(e))))
    if s > e then s, e = e, s end
    return v:sub(s + 1, e)
  end,
  slice = function(v, s, e) return slice_of(type(v) == "table" and v or to_string(v), s, e) end,
  indexof = function(a, x) return index_of(a, x) end,
  indexOf = function(a, x) return index_of(a, x) end,
  lastindexof = function(a, x) return index_of(a, x, true) end,
  lastIndexOf = function(a, x) return index_of(a, x, true) end,
  includes = function(a, x) return index_of(a, x) >= 0 end,
  replace = function(s, find, rep)
    s, find, rep = to_string(s), to_string(find), to_string(rep)
    local i = s:find(find, 1, true)
    if not i then return s end
    return s:sub(1, i - 1) .. rep .. s:sub(i + #find)
  end,
  pad = function(s, n, ch, align)
    s, n, ch = to_string(s), math.floor(to_number(n)), to_string(ch or " ")
    if ch == "" then ch = " " end
    local fill = math.max(0, n - #s)
    if align == "left" then return ch:rep(fill):sub(1, fill) .. s end
    if align == "center" then
      local l = fill // 2
      return ch:rep(l):sub(1, l) .. s .. ch:rep(fill - l):sub(1, fill - l)
    end
    return s .. ch:rep(fill):sub(1, fill)
  end,
  split = function(s, sep)
    s, sep = to_string(s), to_string(sep)
    local out = {}
    if sep == "" then
      for c in s:gmatch(utf8.charpattern) do out[#out + 1] = c end
      return out
    end
    local start = 1
    while true do
      local i = s:find(sep, start, true)
      if not i then out[#out + 1] = s:sub(start); break end
      out[#out + 1] = s:sub(start, i - 1)
      start = i + #sep
    end
    return out
  end,
  join = function(a, sep)
    if not array_like(a) then return "" end
    local parts = {}
    for i, x in ipairs(a) do parts[i] = is_null(x) and "" or to_string(x) end
    return table.concat(parts, sep == nil and "," or to_string(sep))
  end,
  ["if"] = function(c, a, b) if truthy(c) then return a end return b end,
  format = d3_format,
  timeFormat = time_format,
  utcFormat = time_format,
  -- dates (chartd's local time is UTC, so the utc* functions read the same parts)
  datetime = make_datetime,
  utc = function(...) return make_datetime(...).ms end,
  time = function(v) return to_ms(v) or 0 / 0 end,
  now = function() return 0 end,
  timeOffset = function(unit, v, step)
    local ms = to_ms(v)
    if not ms then return date(0 / 0) end
    step = to_number(step or 1)
    local sizes = { millisecond = 1, second = 1000, minute = 60000, hour = 3600000, day = 86400000,
      date = 86400000, week = 604800000 }
    if sizes[unit] then return date(ms + step * sizes[unit]) end
    local t = ms / 1000
    local days = math.floor(t / 86400)
    local y, m, d = calendar.civil_from_days(days)
    local months = unit == "year" and 12 * step or unit == "quarter" and 3 * step or unit == "month" and step or 0
    local dt = make_datetime(y, m - 1 + months, d)
    return date(dt.ms + (ms - days * 86400000))
  end,
  timeUnitSpecifier = function() return "%Y-%m-%d" end,
}
for name, f in pairs(PARTS) do
  M.FUNCTIONS[name] = f
  M.FUNCTIONS["utc" .. name] = f
end

function M.function_names()
  local names = {}
  for k in pairs(M.FUNCTIONS) do names[#names + 1] = k end
  table.sort(names)
  return table.concat(names, ", ")
end

M.date = date

return M
