-- Vega's aggregate operations over a group's values (aggregate, joinaggregate, window):
-- count, valid, missing, distinct, sum, product, mean/average, variance(p), stdev(p), stderr,
-- median, q1, q3, min, max, values. Missing values (null, NaN) are skipped as Vega skips them.
local json = require "util.json"
local transform = require "data.transform"
local expression = require "transforms.expression"

local M = {}

M.NAMES = { "count", "valid", "missing", "distinct", "sum", "product", "mean", "average", "variance",
  "variancep", "stdev", "stdevp", "stderr", "median", "q1", "q3", "min", "max", "values", "argmin", "argmax" }
local SET = {}
for _, n in ipairs(M.NAMES) do SET[n] = true end
function M.known(op) return SET[op] == true end

local function missing(v) return v == nil or v == json.null end

-- A value as a number for arithmetic: numbers, numeric text, dates (ms).
local function number(v)
  if type(v) == "number" then return v end
  local n = expression.to_number(v)
  if n ~= n and type(v) == "string" then n = expression.to_ms(v) or n end
  return n
end

-- M.compute(op, rows, field) → value. rows: the group's records.
function M.compute(op, rows, field)
  if op == "count" then return #rows end
  if op == "values" then
    local out = json.array({})
    for i, r in ipairs(rows) do out[i] = r end
    return out
  end
  local vals, nmissing, distinct, ndistinct = {}, 0, {}, 0
  for _, r in ipairs(rows) do
    local v = field and r[field]
    local key = missing(v) and "\0null" or tostring(v)
    if not distinct[key] then distinct[key] = true; ndistinct = ndistinct + 1 end
    if missing(v) then
      nmissing = nmissing + 1
    else
      local n = number(v)
      if n == n then
        vals[#vals + 1] = n
      elseif type(v) == "number" then
        nmissing = nmissing + 1
      end
    end
  end
  if op == "valid" then return #rows - nmissing end
  if op == "missing" then return nmissing end
  if op == "distinct" then return ndistinct end
  local n = #vals
  if op == "sum" or op == "product" then
    local acc = op == "sum" and 0 or 1.0 -- a float product overflows to Infinity, as in JavaScript
    for _, v in ipairs(vals) do if op == "sum" then acc = acc + v else acc = acc * v end end
    if acc ~= acc or acc == math.huge or acc == -math.huge then return json.null end
    return acc
  end
  if n == 0 then return op == "argmin" and json.null or json.null end
  if op == "mean" or op == "average" then
    -- Running mean, as Vega computes it (the same float result, not a sum divided).
    local mean = 0
    for i, v in ipairs(vals) do mean = mean + (v - mean) / i end
    return mean
  end
  if op == "min" or op == "max" then
    local best = vals[1]
    for _, v in ipairs(vals) do if (op == "min" and v < best) or (op == "max" and v > best) then best = v end end
    -- min/max of dates stay dates (text in, text out keeps the column temporal)
    for _, r in ipairs(rows) do
      local v = r[field]
      if type(v) == "string" and number(v) == best and not tonumber(v) then return v end
    end
    return best
  end
  if op == "argmin" or op == "argmax" then
    local best, row
    for _, r in ipairs(rows) do
      local v = number(r[field])
      if v == v and (best == nil or (op == "argmin" and v < best) or (op == "argmax" and v > best)) then
        best, row = v, r
      end
    end
    return row or json.null
  end
  if op == "median" or op == "q1" or op == "q3" then
    local p = op == "median" and 0.5 or (op == "q1" and 0.25 or 0.75)
    return transform.quantile(vals, p, n)
  end
  -- variance family (Welford, as Vega)
  local mean, m2 = 0, 0
  for i, v in ipairs(vals) do
    local d = v - mean
    mean = mean + d / i
    m2 = m2 + d * (v - mean)
  end
  if op == "variancep" then return m2 / n end
  if op == "stdevp" then return math.sqrt(m2 / n) end
  if n < 2 then return json.null end
  if op == "variance" then return m2 / (n - 1) end
  if op == "stdev" then return math.sqrt(m2 / (n - 1)) end
  if op == "stderr" then return math.sqrt(m2 / (n - 1)) / math.sqrt(n) end
  return json.null
end

-- A running aggregate for count, valid, missing, sum, mean, min and max: add(record) one
-- record at a time, value() the same result compute would give over the records added.
function M.running(op, field)
  local r = { n = 0 }
  local count, nmissing, sum, mean, valid, best = 0, 0, 0, 0, 0, nil
  function r.add(rec)
    r.n, count = r.n + 1, count + 1
    local v = field and rec[field]
    if missing(v) then
      nmissing = nmissing + 1
      return
    end
    local x = number(v)
    if x ~= x then
      if type(v) == "number" then nmissing = nmissing + 1 end
      return
    end
    valid = valid + 1
    sum = sum + x
    mean = mean + (x - mean) / valid
    if best == nil or (op == "min" and x < best) or (op == "max" and x > best) then best = x end
  end
  function r.value()
    if op == "count" then return count end
    if op == "missing" then return nmissing end
    if op == "valid" then return count - nmissing end
    if op == "sum" then return sum end
    if valid == 0 then return json.null end
    if op == "mean" or op == "average" then return mean end
    return best
  end
  return r
end

-- The output name Vega-Lite gives an aggregate: "sum_b", "__count" for a bare count.
function M.default_name(op, field)
  if op == "count" and field == nil then return "__count" end
  return op .. "_" .. tostring(field or "")
end

-- A record's shallow copy with extra fields set (fold and flatten make several from one).
function M.copy(rec, extra)
  local out = {}
  for k, v in pairs(rec) do out[k] = v end
  for k, v in pairs(extra or {}) do out[k] = v end
  return out
end

-- A new record of a group: its groupby fields (from the group's first record) and fields.
function M.group_record(groupby, g, fields)
  local rec = {}
  for _, f in ipairs(groupby) do rec[f] = g.first[f] end
  for k, v in pairs(fields) do rec[k] = v end
  return rec
end

-- Groups records by fields (in first-seen order). → list of { key = {values}, rows = {records} }
function M.group(records, fields)
  local index, groups = {}, {}
  for _, r in ipairs(records) do
    local parts = {}
    for i, f in ipairs(fields) do
      local v = r[f]
      parts[i] = missing(v) and "\0" or (type(v) == "number" and "n" or "s") .. tostring(v)
    end
    local id = table.concat(parts, "\1")
    local g = index[id]
    if not g then
      g = { rows = {}, first = r }
      index[id] = g
      groups[#groups + 1] = g
    end
    g.rows[#g.rows + 1] = r
  end
  return groups
end

return M
