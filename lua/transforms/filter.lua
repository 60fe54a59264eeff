-- {"filter": …}: keeps the records a predicate accepts. A predicate is an expression
-- ("datum.year == 2000"), a field predicate ({"field": "x", "equal"|"oneOf"|"range"|"lt"|"lte"|
-- "gt"|"gte"|"valid": …}, with an optional timeUnit), or and/or/not of predicates.
local errors = require "util.errors"
local expression = require "transforms.expression"
local json = require "util.json"
local timeunit = require "data.timeunit"

local M = {}

local TESTS = { "equal", "oneOf", "range", "lt", "lte", "gt", "gte", "valid", "in" }

local function bad(path, msg) error(errors.new("invalid_spec", path, msg)) end

-- A predicate's constant (a number, text or a Vega-Lite DateTime object) as a comparable value.
local function constant(v)
  if type(v) == "table" and v ~= json.null and v[1] == nil and (v.year or v.month or v.date or v.hours) then
    local months = { jan = 0, feb = 1, mar = 2, apr = 3, may = 4, jun = 5, jul = 6, aug = 7, sep = 8, oct = 9,
      nov = 10, dec = 11 }
    local m = v.month
    if type(m) == "string" then m = months[m:lower():sub(1, 3)] else m = (m or 1) - 1 end
    local d = expression.FUNCTIONS.datetime(v.year or 2012, m, v.date or 1, v.hours, v.minutes, v.seconds,
      v.milliseconds)
    return d.ms
  end
  return v
end

-- A constant compared with a time unit: a number names the unit's own part (2013 for
-- "year", 3 = March for "month"), text is a date; both are floored like the field.
local function unit_constant(c, unit)
  if unit == nil then return c end
  if type(c) == "number" then
    local u = timeunit.parts(unit)
    local only = next(u) and next(u, next(u)) == nil and next(u)
    local dt = expression.FUNCTIONS.datetime
    if only == "year" then return dt(c, 0, 1).ms end
    if only == "month" then return dt(2012, c - 1, 1).ms end
    if only == "quarter" then return dt(2012, (c - 1) * 3, 1).ms end
    if only == "date" then return dt(2012, 0, c).ms end
    if only == "hours" then return dt(2012, 0, 1, c).ms end
    return c
  end
  local ms = expression.to_ms(c)
  if ms then return timeunit.floor(ms / 1000, unit) * 1000 end
  return c
end

local function value_of(rec, field, unit)
  local v = rec[field]
  if unit then
    local ms = expression.to_ms(v)
    if not ms then return nil end
    return timeunit.floor(ms / 1000, unit) * 1000
  end
  return v
end

local function equal(a, b)
  if a == b then return true end
  if type(a) == "number" or type(b) == "number" then
    local na = type(a) == "number" and a or expression.to_ms(a) or expression.to_number(a)
    local nb = type(b) == "number" and b or expression.to_ms(b) or expression.to_number(b)
    return na == nb
  end
  return false
end

local function less(a, b, or_equal)
  local na = type(a) == "number" and a or expression.to_number(a)
  if na ~= na then na = expression.to_ms(a) or na end
  local nb = type(b) == "number" and b or expression.to_number(b)
  if nb ~= nb then nb = expression.to_ms(b) or nb end
  if type(a) == "string" and type(b) == "string" and (na ~= na or nb ~= nb) then
    if or_equal then return a <= b end
    return a < b
  end
  if or_equal then return na <= nb end
  return na < nb
end

-- M.predicate(p, path) → fn(record) → boolean
function M.predicate(p, path)
  if type(p) == "string" then
    local fn, err = expression.compile(p)
    if not fn then bad(path, "expression: " .. err) end
    return function(r) return expression.truthy(fn(r)) end
  end
  if type(p) ~= "table" or p == json.null then bad(path, "must be an expression or a predicate object") end
  if p["and"] or p["or"] then
    local list, fns = p["and"] or p["or"], {}
    local key = p["and"] and "and" or "or"
    for i, q in ipairs(list) do fns[i] = M.predicate(q, ("%s.%s[%d]"):format(path, key, i - 1)) end
    if key == "and" then
      return function(r) for _, f in ipairs(fns) do if not f(r) then return false end end return true end
    end
    return function(r) for _, f in ipairs(fns) do if f(r) then return true end end return false end
  end
  if p["not"] ~= nil then
    local f = M.predicate(p["not"], path .. ".not")
    return function(r) return not f(r) end
  end
  if p.param ~= nil or p.selection ~= nil then
    return function() return true end -- selections are empty in a static chart: everything passes
  end
  if type(p.field) ~= "string" then bad(path .. ".field", "a field predicate needs a field name") end
  local field, unit = p.field, p.timeUnit
  if type(unit) == "table" then unit = unit.unit end
  if unit ~= nil and not timeunit.valid(unit) then bad(path .. ".timeUnit", "not a time unit") end
  local function constant_for(v)
    local c = constant(v)
    -- a DateTime object ({"month": 3}) is a time already: floored like the field, not read as a part
    if c ~= v and unit ~= nil then return timeunit.floor(c / 1000, unit) * 1000 end
    return unit_constant(c, unit)
  end
  if p.equal ~= nil then
    local c = constant_for(p.equal)
    return function(r) return equal(value_of(r, field, unit), c) end
  end
  local one = p.oneOf or p["in"]
  if one ~= nil then
    if type(one) ~= "table" then bad(path .. ".oneOf", "must be an array of values") end
    local cs = {}
    for i, v in ipairs(one) do cs[i] = constant_for(v) end
    return function(r)
      local v = value_of(r, field, unit)
      for _, c in ipairs(cs) do if equal(v, c) then return true end end
      return false
    end
  end
  if p.range ~= nil then
    local rg = p.range
    if type(rg) ~= "table" or #rg ~= 2 and not (rg[1] == nil or rg[2] == nil) then
      bad(path .. ".range", "must be [low, high]")
    end
    local lo, hi = constant_for(rg[1]), constant_for(rg[2])
    return function(r)
      local v = value_of(r, field, unit)
      if v == nil or v == json.null then return false end
      if lo ~= nil and lo ~= json.null and less(v, lo) then return false end
      if hi ~= nil and hi ~= json.null and less(hi, v) then return false end
      return true
    end
  end
  for _, op in ipairs({ "lt", "lte", "gt", "gte" }) do
    if p[op] ~= nil then
      local c = constant_for(p[op])
      return function(r)
        local v = value_of(r, field, unit)
        if v == nil or v == json.null then return false end
        if op == "lt" then return less(v, c) elseif op == "lte" then return less(v, c, true)
        elseif op == "gt" then return less(c, v) else return less(c, v, true) end
      end
    end
  end
  if p.valid ~= nil then
    local want = p.valid == true
    return function(r)
      local v = r[field]
      local ok = v ~= nil and v ~= json.null and not (type(v) == "number" and v ~= v)
      return ok == want
    end
  end
  bad(path, "a field predicate needs one of " .. table.concat(TESTS, ", "))
end

function M.apply(records, t, path)
  local keep = M.predicate(t.filter, path .. ".filter")
  local out = json.array({})
  for _, r in ipairs(records) do
    if keep(r) then out[#out + 1] = r end
  end
  return out
end

return M
