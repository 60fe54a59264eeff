-- Data transforms the charts share: aggregation, grouping, binning, sorting,
-- quartiles and time truncation. Pure functions over frames and plain lists.
local frame = require "data.frame"
local errors = require "util.errors"
local timeunit = require "data.timeunit"

local M = {}

M.OPS = { "sum", "mean", "median", "min", "max", "count" }

-- Binning's passes over a column in C when chartd.columns is there (the same results).
local has_native, native = pcall(require, "chartd.columns")
local native_scan = has_native and native.scan or nil
local native_bins = has_native and native.bin_counts or nil
local ALIASES = { average = "mean" }

-- The numbers among values (text and missing cells are not numbers to order or add).
local function sorted_copy(values, n)
  local xs = {}
  for i = 1, n do
    local v = values[i]
    if type(v) == "number" then xs[#xs + 1] = v end
  end
  table.sort(xs)
  return xs
end

-- Linear interpolation between order statistics (R type 7, numpy's default).
local function quantile_sorted(xs, p)
  local n = #xs
  if n == 0 then return nil end
  local h = (n - 1) * p + 1
  local lo = math.floor(h)
  if lo >= n then return xs[n] end
  return xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])
end

-- transform.aggregate(values, op [, n]) → number | nil.
-- `values` may hold nils (missing); n (default values.n or #values) is the
-- row count. sum of nothing is 0, mean/median/min/max of nothing is nil,
-- count counts non-missing values, or all n rows when values is nil. The other ops read
-- numbers only: a text cell counts as missing, whatever type a caller thought the column had.
function M.aggregate(values, op, n)
  op = ALIASES[op] or op
  if values == nil then
    if op == "count" then return n or 0 end
    return nil
  end
  n = n or values.n or #values
  if op == "count" then
    local c = 0
    for i = 1, n do if values[i] ~= nil then c = c + 1 end end
    return c
  elseif op == "sum" or op == "mean" then
    local s, c = 0, 0
    for i = 1, n do
      local v = values[i]
      if type(v) == "number" then s, c = s + v, c + 1 end
    end
    if op == "sum" then return s end
    if c == 0 then return nil end
    if s - s == 0 then return s / c end
    -- The sum left the double range (1e308s), the mean cannot: sum the values' shares instead
    -- (src/columns.c does the same, so the two agree).
    s = 0
    for i = 1, n do
      local v = values[i]
      if type(v) == "number" then s = s + v / c end
    end
    return s
  elseif op == "min" or op == "max" then
    local best
    for i = 1, n do
      local v = values[i]
      if type(v) == "number" and (best == nil or (op == "min" and v < best) or (op == "max" and v > best)) then
        best = v
      end
    end
    return best
  elseif op == "median" then
    return quantile_sorted(sorted_copy(values, n), 0.5)
  end
  error("unknown aggregate " .. tostring(op), 2)
end

-- transform.quartiles(values [, n]) → q1, median, q3 (type 7) | nil
function M.quartiles(values, n)
  local xs = sorted_copy(values, n or values.n or #values)
  if #xs == 0 then return nil end
  return quantile_sorted(xs, 0.25), quantile_sorted(xs, 0.5), quantile_sorted(xs, 0.75)
end

-- transform.quantile(values, p) for any p in 0..1 (type 7).
function M.quantile(values, p, n)
  return quantile_sorted(sorted_copy(values, n or values.n or #values), p)
end

-- Group keys of mixed type must not collide ("1" vs 1), hence the type tag.
local function key_part(v)
  if v == nil then return "\0nil" end
  return type(v):sub(1, 1) .. tostring(v)
end

-- transform.group(df, keys, field, op) → { {[key]=..., ..., value=}, ... }
-- in first-seen group order. keys is a column name or a list of them; field
-- may be nil for op "count" (rows per group). Missing key values form their
-- own group (the key is absent from the row table).
function M.group(df, keys, field, op)
  if type(keys) == "string" then keys = { keys } end
  keys = keys or {}
  op = ALIASES[op] or op
  local key_cols = {}
  for i, k in ipairs(keys) do key_cols[i] = df.columns[k] or {} end -- an absent column: all missing
  local values = field and df.columns[field]
  local groups, order = {}, {}
  for r = 1, df.nrows do
    local parts = {}
    for i = 1, #keys do parts[i] = key_part(key_cols[i][r]) end
    local id = table.concat(parts, "\1")
    local g = groups[id]
    if not g then
      g = { row = r, vals = {}, rows = 0 }
      groups[id] = g
      order[#order + 1] = g
    end
    g.rows = g.rows + 1
    if values then
      local v = values[r]
      if v ~= nil then g.vals[#g.vals + 1] = v end
    end
  end
  local out = {}
  for i, g in ipairs(order) do
    local item = {}
    for j, k in ipairs(keys) do item[k] = key_cols[j][g.row] end
    if op == "count" and not values then
      item.value = g.rows
    else
      item.value = M.aggregate(g.vals, op)
    end
    out[i] = item
  end
  return out
end

-- Bins -------------------------------------------------------------------------

M.MAX_BINS = 10000

-- Vega's bin step: a power of ten near span/maxbins, then divided by 5 and/or
-- 2 while the bin count stays within maxbins.
local function bin_step(span, maxbins)
  local level = math.ceil(math.log(maxbins, 10))
  local step = 10 ^ (math.floor(math.log(span, 10) + 0.5) - level)
  if step == 0 then step = span end -- a subnormal span's power of ten underflows (and 0 * 10 stays 0)
  while math.ceil(span / step) > maxbins do step = step * 10 end
  for _, div in ipairs({ 5, 2 }) do
    local v = step / div
    if span / v <= maxbins then step = v end
  end
  return step
end

-- Snaps a float edge to the step's decimal precision (0.30000000000000004 → 0.3).
local function snap(x, precision)
  if precision <= 0 then
    local r = math.floor(x + 0.5)
    return math.tointeger(r) or r
  end
  if precision > 99 then return x end -- a step below 1e-99: as exact as doubles get anyway
  return tonumber(string.format("%." .. precision .. "f", x))
end

-- transform.bin(values, {maxbins=10, step=, extent={lo, hi}}) →
-- { edges = {e1, ..., ek+1}, counts = {c1, ..., ck}, step = } | nil, message.
-- Bins are [e_i, e_i+1); the last bin also holds its upper edge, so the
-- maximum never sits alone in an extra bin. Only numbers are binned.
function M.bin(values, opts)
  opts = opts or {}
  local n = values.n or #values
  local lo, hi
  if opts.extent then
    lo, hi = opts.extent[1], opts.extent[2]
  elseif native_scan then
    local count, _, _, imin, imax = native_scan(values, n)
    if count > 0 then lo, hi = values[imin], values[imax] end
  else
    for i = 1, n do
      local v = values[i]
      if type(v) == "number" and v == v then
        if lo == nil or v < lo then lo = v end
        if hi == nil or v > hi then hi = v end
      end
    end
  end
  if lo == nil then return { edges = {}, counts = {}, step = nil } end
  local span = hi - lo
  if span == math.huge then return nil, errors.BEYOND_RANGE end
  local step = opts.step
  if span == 0 then
    step = step or 1
    lo = math.floor(lo / step) * step
    hi = lo + step
    span = step
  end
  step = step or bin_step(span, opts.maxbins or 10)
  local lv = math.log(step, 10)
  local precision = lv >= 0 and 0 or math.floor(-lv) + 1
  local eps = 10 ^ (-precision - 1)
  local start = math.floor(lo / step + eps) * step
  if lo < start then start = start - step end
  local stop = math.ceil(hi / step - eps) * step
  if start == -math.huge or stop == math.huge then return nil, errors.BEYOND_RANGE end -- a nice edge past 1.8e308
  local nbins = math.max(1, math.floor((stop - start) / step + 0.5))
  if nbins > M.MAX_BINS then -- (a tiny step's count may be no integer: 1e302 bins)
    return nil, string.format("bin step %s would make %s bins (limit %d)", frame.number_text(step),
      frame.number_text(nbins), M.MAX_BINS)
  end
  local edges, counts = {}, {}
  for i = 0, nbins do edges[i + 1] = snap(start + i * step, precision) end
  if native_bins then -- the same counting in C (src/lua_columns.c), for long columns
    return { edges = edges, counts = native_bins(values, n, start, step, edges), step = snap(step, precision) }
  end
  for i = 1, nbins do counts[i] = 0 end
  for i = 1, n do
    local v = values[i]
    if type(v) == "number" and v >= edges[1] and v <= edges[nbins + 1] then
      -- Estimate, then settle against the snapped edges so float noise
      -- never moves a value sitting exactly on an edge.
      local b = math.floor((v - start) / step) + 1
      if b > nbins then b = nbins end
      if b < 1 then b = 1 end
      while b < nbins and v >= edges[b + 1] do b = b + 1 end
      while b > 1 and v < edges[b] do b = b - 1 end
      counts[b] = counts[b] + 1
    end
  end
  return { edges = edges, counts = counts, step = snap(step, precision) }
end

-- Sorting ----------------------------------------------------------------------

-- Numbers before strings, then natural order; nil always last.
local function less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta == "number" end
  return a < b
end

-- transform.sort(list, key, order) sorts list in place (stable) by
-- item[key] ("ascending" default or "descending"); returns list.
function M.sort(list, key, order)
  local desc = order == "descending"
  local idx = {}
  for i, item in ipairs(list) do idx[i] = { item = item, i = i, v = item[key] } end
  table.sort(idx, function(a, b)
    if a.v == nil or b.v == nil then
      if a.v == nil and b.v == nil then return a.i < b.i end
      return b.v == nil
    end
    if a.v ~= b.v then
      if desc then return less(b.v, a.v) end
      return less(a.v, b.v)
    end
    return a.i < b.i
  end)
  for i, e in ipairs(idx) do list[i] = e.item end
  return list
end

-- Time units -------------------------------------------------------------------

-- transform.time_unit(epoch_seconds, unit) → the start of the Vega-Lite time unit containing
-- it (data.timeunit: "month" is the month of the year, "yearmonth" a month of a year).
function M.time_unit(t, unit)
  if t == nil then return nil end
  local v = timeunit.floor(t, unit)
  if v == nil then error("unknown time unit " .. tostring(unit), 2) end
  return v
end

return M
