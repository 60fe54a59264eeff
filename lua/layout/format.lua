-- Number and date labels for axes, legends and data labels: thousands
-- separators, decimals that follow the tick step, k/M/B suffixes, percent,
-- currency, a real minus sign, and dates that read well at their span.
local ticks = require "layout.ticks"

local M = {}

-- U+2212: a hyphen is too short next to digits and misaligns columns.
M.MINUS = "\u{2212}"

local DEFAULT_NUMBER = { thousands = ",", decimal = ".", currency = "$" }

local function numfmt(opts)
  local n = opts and opts.number or nil
  return {
    thousands = (opts and opts.thousands) or (n and n.thousands) or DEFAULT_NUMBER.thousands,
    decimal = (opts and opts.decimal) or (n and n.decimal) or DEFAULT_NUMBER.decimal,
    currency = (opts and opts.currency) or (n and n.currency) or DEFAULT_NUMBER.currency,
    minus = (opts and opts.minus) or M.MINUS,
  }
end

-- Groups the integer digits of a non-negative decimal string.
local function group(s, nf)
  local int, frac = s:match("^(%d+)%.?(%d*)$")
  if not int then return s end
  local parts = {}
  local head = #int % 3
  if head > 0 then parts[1] = int:sub(1, head) end
  for i = head + 1, #int, 3 do parts[#parts + 1] = int:sub(i, i + 2) end
  local out = table.concat(parts, nf.thousands)
  if frac ~= "" then out = out .. nf.decimal .. frac end
  return out
end

local function trim_zeros(s)
  if s:find("%.") then s = s:gsub("0+$", ""):gsub("%.$", "") end
  return s
end

-- Decimals needed to show multiples of `step` exactly (0.25 → 2, 5 → 0).
function M.decimals_for(step)
  if not step or step <= 0 or step ~= step then return 0 end
  for d = 0, 12 do
    local scaled = step * 10 ^ d
    if math.abs(scaled - math.floor(scaled + 0.5)) < 1e-6 * scaled then return d end
  end
  return 12
end

-- Default decimals for a lone number: none for big ones, up to two for
-- ordinary ones, three significant digits for small ones; zeros trimmed.
local function auto_decimals(a)
  if a >= 1000 or a == 0 then return 0, true end
  if a >= 1 then return 2, true end
  return math.min(12, 2 - math.floor(math.log(a, 10))), true
end

-- Formats v with a fixed number of decimals (or automatic ones):
-- format.number(-1234567.5, {decimals = 1}) → "−1,234,567.5".
-- opts: decimals, trim (drop trailing zeros), thousands, decimal, minus,
-- number (a theme.number table), prefix, suffix.
function M.number(v, opts)
  opts = opts or {}
  if v ~= v then return "NaN" end
  if v == math.huge then return "∞" elseif v == -math.huge then return M.minus_sign(opts) .. "∞" end
  local nf = numfmt(opts)
  local d, trim = opts.decimals, opts.trim
  if d == nil then d, trim = auto_decimals(math.abs(v)) end
  -- Halves round up, as people round (12.5 % → "13%"); printf would round to even,
  -- and 2.675 is stored as 2.67499…: a nudge of a few ulps fixes both.
  local a = math.abs(v)
  local s = string.format("%." .. d .. "f", a + a * 1e-13)
  if trim then s = trim_zeros(s) end
  -- A value that rounds to zero shows no sign ("−0" reads as an error).
  local neg = v < 0 and s:find("[1-9]") ~= nil
  s = (opts.prefix or "") .. group(s, nf) .. (opts.suffix or "")
  return neg and nf.minus .. s or s
end

function M.minus_sign(opts) return numfmt(opts).minus end

-- Financial suffixes (k, M, B, T) rather than SI's G: "billion" is what
-- readers of business charts expect.
M.SUFFIXES = { { 1e12, "T" }, { 1e9, "B" }, { 1e6, "M" }, { 1e3, "k" } }

local function suffix_for(a)
  for _, s in ipairs(M.SUFFIXES) do
    if a >= s[1] * (1 - 1e-12) then return s[1], s[2] end
  end
  return 1, ""
end

-- One value with a suffix and up to `decimals` (default 1) trimmed
-- decimals: 1500000 → "1.5M", 250000 → "250k", 2e9 → "2B".
function M.si(v, opts)
  opts = opts or {}
  local div, suf = suffix_for(math.abs(v))
  local d = opts.decimals or 1
  return M.number(v / div, { decimals = d, trim = true, suffix = suf .. (opts.suffix or ""), prefix = opts.prefix,
    number = opts.number, thousands = opts.thousands, decimal = opts.decimal, minus = opts.minus })
end

-- A lone fraction as a percent: 0.45 → "45%" (decimals default 0, trimmed).
function M.percent(v, opts)
  opts = opts or {}
  return M.number(v * 100, { decimals = opts.decimals or 0, trim = opts.decimals == nil, suffix = "%",
    number = opts.number, minus = opts.minus })
end

-- Currency with the theme's symbol before the number: "$1,234", with
-- si = true "$1.2M"; the minus goes before the symbol ("−$5").
function M.currency(v, opts)
  opts = opts or {}
  local nf = numfmt(opts)
  local o = { decimals = opts.decimals, trim = opts.trim, prefix = nf.currency, number = opts.number,
    minus = opts.minus }
  if opts.si then return M.si(v, o) end
  if o.decimals == nil then o.decimals = (math.abs(v) >= 100 or v == math.floor(v)) and 0 or 2 end
  return M.number(v, o)
end

-- Where suffixes start on an axis: below 100,000 plain digits with
-- separators read fine ("40,000"); above, "400k" is shorter and clearer.
M.SI_FROM = 1e5

-- The decimals of M.for_values for the distinct numbers `list` (the smallest non-zero |v|
-- minabs, all shown divided by div): two significant digits for the smallest but no more
-- than the values have (whole numbers stay whole: "7", not "7.0"), more until distinct
-- values read apart, at most maxd.
local function decimals(list, minabs, div, maxd)
  local d = 0
  if minabs < math.huge then
    -- every non-zero value with two significant digits (0.00012, not 0.0001)
    d = math.max(0, math.min(maxd, 1 - math.floor(math.log(minabs / div, 10))))
  end
  local exact = 0
  for _, v in ipairs(list) do
    while exact < d do
      local x = v / div * 10 ^ exact
      if math.abs(x - math.floor(x + 0.5)) <= 1e-9 * math.max(1, math.abs(x)) then break end
      exact = exact + 1
    end
  end
  d = math.min(d, exact)
  while d < maxd do
    local texts, clash = {}, false
    for _, v in ipairs(list) do
      local t = string.format("%." .. d .. "f", v / div)
      if texts[t] and texts[t] ~= v then clash = true; break end
      texts[t] = v
    end
    if not clash then return d end
    d = d + 1
  end
  return d
end

-- The most decimals numbers written in full (alt text) are given.
local APART_MAX = 6
local has_columns, native_columns = pcall(require, "chartd.columns")
if not has_columns then native_columns = nil end

-- The decimals M.for_values would give these numbers written in full (no k/M/B suffix):
-- alt text quoting some of a chart's values uses them, so its numbers follow the labels' rule.
function M.decimals_apart(values)
  local list, seen, minabs = {}, {}, math.huge
  for _, v in ipairs(values) do
    if type(v) == "number" and v == v and v ~= math.huge and v ~= -math.huge then
      if not seen[v] then seen[v] = true; list[#list + 1] = v end
      if v ~= 0 then minabs = math.min(minabs, math.abs(v)) end
    end
  end
  return decimals(list, minabs, 1, APART_MAX)
end

-- decimals_apart over the numbers of arrays[k][1..n], every array together (a chart's series):
-- in C when there is (chartd.columns reads a large column's doubles without making them Lua
-- values; spec/layout/format_spec.lua checks the two agree).
function M.decimals_apart_of(arrays, n)
  if native_columns then return native_columns.decimals_apart(arrays, n, APART_MAX) end
  local all = {}
  for _, a in ipairs(arrays) do
    for i = 1, n do all[#all + 1] = a[i] end
  end
  return M.decimals_apart(all)
end

-- A formatter for a set of values shown together (data labels, cell labels, slices): one
-- precision for all of them, the least that keeps distinct values distinct and shows every
-- non-zero value with two significant digits; a k/M/B/T suffix when the largest is ≥ SI_FROM. Labels then
-- never contradict the axis or each other ("0.052" and "0.047", not "0.05" twice).
-- opts: as M.number (number = theme.number), percent = true (values are fractions: "45.2%"),
-- max_decimals (default 6), with = more values shown in the same chart (small multiples'
-- other cells: one precision across the chart).
function M.for_values(values, opts)
  opts = opts or {}
  local mul = opts.percent and 100 or 1
  local list, maxabs, minabs = {}, 0, math.huge
  local seen = {}
  local all = values
  if opts.with then
    all = {}
    for _, v in ipairs(values) do all[#all + 1] = v end
    for _, v in ipairs(opts.with) do all[#all + 1] = v end
  end
  for _, v in ipairs(all) do
    if type(v) == "number" and v == v and v ~= math.huge and v ~= -math.huge then
      v = v * mul
      if not seen[v] then seen[v] = true; list[#list + 1] = v end
      local a = math.abs(v)
      if a > maxabs then maxabs = a end
      if a > 0 and a < minabs then minabs = a end
    end
  end
  local div, suf = 1, ""
  if not opts.percent and maxabs >= M.SI_FROM then div, suf = suffix_for(maxabs) end
  local d = decimals(list, minabs, div, opts.max_decimals or 6)
  local o = { decimals = d, number = opts.number, thousands = opts.thousands, decimal = opts.decimal,
    suffix = suf .. (opts.percent and "%" or ""), prefix = opts.prefix }
  return function(v) return M.number(v * mul / div, o) end
end

-- A formatter for every tick of an axis with the given step, so all ticks
-- share decimals and suffix. opts:
--   style  = "number" (default) | "percent" (values are fractions: 0.25 → "25%")
--          | "points" (values already in percent: 25 → "25%") | "currency" | "si"
--   max    = the largest |value| on the axis (defaults to step) — picks the suffix
--   number = theme.number ({thousands, decimal, currency})
-- Plain decimals are fixed ("0.00", "0.25", "0.50"); suffixed values are
-- trimmed ("0.5M", "1M", "1.5M") because "1.0M" reads as false precision.
function M.ticker(step, opts)
  opts = opts or {}
  local style = opts.style or "number"
  local max = math.abs(opts.max or step or 1)
  if step == nil or step <= 0 or step ~= step then step = max > 0 and max or 1 end
  local base = { number = opts.number, thousands = opts.thousands, decimal = opts.decimal, minus = opts.minus }
  local function with(o)
    for k, v in pairs(base) do if o[k] == nil then o[k] = v end end
    return o
  end
  if style == "percent" or style == "points" then
    local mul = style == "percent" and 100 or 1
    local d = M.decimals_for(step * mul)
    return function(v) return M.number(v * mul, with { decimals = d, suffix = "%" }) end
  end
  local prefix = style == "currency" and numfmt(opts).currency or nil
  if style == "si" or max >= M.SI_FROM then
    local div, suf = suffix_for(max)
    local d = M.decimals_for(step / div)
    return function(v)
      if v == 0 then return (prefix or "") .. "0" end
      return M.number(v / div, with { decimals = d, trim = true, prefix = prefix, suffix = suf })
    end
  end
  local d = M.decimals_for(step)
  return function(v) return M.number(v, with { decimals = d, prefix = prefix }) end
end

-- A small subset of d3-format specifiers, enough for what clients send in
-- encoding.format: [$][,][.N][f|%|s|d], "~" trims zeros. Returns a
-- function(v), or nil for anything else (the caller then uses its default).
-- The word "percent" means values already in percent points (bar charts'
-- normalize mode), "currency" and "si" select those styles.
function M.from_spec(spec, step, opts)
  opts = opts or {}
  if spec == "percent" or spec == "points" or spec == "currency" or spec == "si" then
    local o = {}
    for k, v in pairs(opts) do o[k] = v end
    o.style = spec == "percent" and "points" or spec
    return M.ticker(step, o)
  end
  if type(spec) ~= "string" then return nil end
  local cur, comma, trim, prec, typ = spec:match("^(%$?)(,?)(~?)%.?(%d*)([fds%%]?)$")
  if not cur then return nil end
  prec = tonumber(prec)
  local nf = numfmt(opts)
  local thousands = comma == "," and nf.thousands or ""
  local prefix = cur == "$" and nf.currency or nil
  local t = trim == "~"
  if typ == "%" then
    local d = prec or M.decimals_for((step or 0.01) * 100)
    return function(v) return M.number(v * 100, { decimals = d, trim = t, suffix = "%", thousands = thousands,
      prefix = prefix, number = opts.number }) end
  elseif typ == "s" then
    return function(v) return M.si(v, { decimals = prec or 1, prefix = prefix, number = opts.number }) end
  elseif typ == "d" then
    return function(v) return M.number(v, { decimals = 0, thousands = thousands, prefix = prefix,
      number = opts.number }) end
  end
  local d = prec or M.decimals_for(step)
  return function(v) return M.number(v, { decimals = d, trim = t, thousands = thousands, prefix = prefix,
    number = opts.number }) end
end

M.MONTHS = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }
M.MONTHS_LONG = { "January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December" }

-- A standalone, unambiguous date at a unit's precision (tooltips, alt
-- text): year "2024", quarter "Q1 2024", month "Jan 2024", week/day
-- "Jan 1, 2024", hour/minute "Jan 1, 2024 14:00", second "... 14:00:05".
function M.date(t, unit)
  local u = ticks.utc(t)
  local mon = M.MONTHS[u.month]
  if unit == "year" or unit == "decade" then return tostring(u.year) end
  if unit == "quarter" then return ("Q%d %d"):format((u.month - 1) // 3 + 1, u.year) end
  if unit == "month" then return ("%s %d"):format(mon, u.year) end
  local day = ("%s %d, %d"):format(mon, u.day, u.year)
  if unit == "week" or unit == "day" or unit == nil and u.hour == 0 and u.min == 0 and u.sec == 0 then return day end
  if unit == "second" then return ("%s %02d:%02d:%02d"):format(day, u.hour, u.min, u.sec) end
  return ("%s %02d:%02d"):format(day, u.hour, u.min)
end

-- strftime subset for encoding.format on time axes: %Y %y %m %d %e %b %B
-- %H %M %S %q (quarter) %%.
function M.strftime(t, fmt)
  local u = ticks.utc(t)
  local map = {
    Y = tostring(u.year), y = ("%02d"):format(u.year % 100), m = ("%02d"):format(u.month),
    d = ("%02d"):format(u.day), e = tostring(u.day), b = M.MONTHS[u.month], B = M.MONTHS_LONG[u.month],
    H = ("%02d"):format(u.hour), M = ("%02d"):format(u.min), S = ("%02d"):format(u.sec),
    q = tostring((u.month - 1) // 3 + 1), ["%"] = "%",
  }
  return (fmt:gsub("%%(.)", function(c) return map[c] or ("%" .. c) end))
end

-- A label function for time ticks of one unit: fn(t, prev) where prev is
-- the previous tick's value (nil for the first). Labels stay short and the
-- larger unit appears only where it changes:
--   second "14:05:30"; minute/hour "14:00" ("Jan 15" at midnight);
--   day/week "Jan 15"; month "Feb" ("Jan 2024" on the first tick and in
--   January); quarter "Q2" ("Q1 2024" likewise); year/decade "2024".
-- unit may be nil: it is then chosen from `span` (seconds) as for ~6 ticks.
function M.date_ticker(unit, span)
  if unit == nil then unit = ticks.interval(span or 86400, 6) end
  return function(t, prev)
    local u = ticks.utc(t)
    local p = prev and ticks.utc(prev) or nil
    local new_year = p == nil or p.year ~= u.year
    if unit == "second" then return ("%02d:%02d:%02d"):format(u.hour, u.min, u.sec) end
    if unit == "minute" or unit == "hour" then
      if u.hour == 0 and u.min == 0 and p ~= nil then return ("%s %d"):format(M.MONTHS[u.month], u.day) end
      return ("%02d:%02d"):format(u.hour, u.min)
    end
    if unit == "day" or unit == "week" then return ("%s %d"):format(M.MONTHS[u.month], u.day) end
    if unit == "month" then
      if new_year then return ("%s %d"):format(M.MONTHS[u.month], u.year) end
      return M.MONTHS[u.month]
    end
    if unit == "quarter" then
      local q = (u.month - 1) // 3 + 1
      if new_year then return ("Q%d %d"):format(q, u.year) end
      return ("Q%d"):format(q)
    end
    return tostring(u.year)
  end
end

return M
