-- Tick values for axes: nice linear ticks (Heckbert's 1/2/5 × 10^k nice
-- numbers), log ticks (powers of ten, filled with 2 and 5 when few) and
-- calendar-aligned UTC time ticks. Pure arithmetic, no drawing.
local calendar = require "util.calendar"
local errors = require "util.errors"

local M = {}

-- Heckbert's nice number ("Nice numbers for graph labels", Graphics Gems
-- 1990) with rounding: the 1, 2, 5 or 10 × 10^k nearest to x, returned as
-- mantissa and exponent so ticks can be built without drift (3 * 0.1 is
-- 0.30000000000000004, 3 * 1 / 10 is 0.3).
local function nicenum(x)
  local e = math.floor(math.log(x, 10))
  local f = x / 10 ^ e
  -- log() may land just below an integer exponent (log10(1000) = 2.9999...).
  if f >= 10 - 1e-9 then e, f = e + 1, f / 10 end
  local m
  if f < 1.5 then m = 1 elseif f < 3 then m = 2 elseif f < 7 then m = 5 else m = 1; e = e + 1 end
  return m, e
end

-- i × m × 10^e, divided rather than multiplied by a fraction for e < 0 so
-- the result is the double nearest the decimal value.
local function value(i, m, e)
  if e >= 0 then return i * m * 10 ^ e end
  return i * m / 10 ^ (-e)
end

local function finite(x) return type(x) == "number" and x == x and x > -math.huge and x < math.huge end

-- Widens a zero-width domain to the order of magnitude of its value, so
-- (5, 5) becomes (4, 6) and (0, 0) becomes (-1, 1).
function M.expand(lo, hi)
  if not (finite(lo) and finite(hi)) then return lo, hi end -- build() says why
  -- A span too small to divide (subnormal, or lost in the values' own precision) is one value.
  local span, size = math.abs(hi - lo), math.max(math.abs(lo), math.abs(hi))
  if span > 1e-290 and span > size * 1e-13 then return lo, hi end
  if size < 1e-290 then return -1, 1 end
  local pad = 10 ^ math.floor(math.log(math.abs(lo), 10))
  -- At ±1.8e308 one side has no room (and a pad small enough to fit would round away): the
  -- widening goes to the other side.
  local a, b = lo - pad, hi + pad
  return finite(a) and a or lo, finite(b) and b or hi
end

-- The nice step for about `count` intervals over [lo, hi] as (step, m, e). The span is
-- taken in halves: hi - lo overflows for finite ends past ±9e307.
function M.step(lo, hi, count)
  local m, e = nicenum(math.abs(hi / 2 - lo / 2) / math.max(1, count or 5) * 2)
  return value(1, m, e), m, e
end

local function build(lo, hi, count, cover)
  if not (finite(lo) and finite(hi)) then
    -- finite data whose sum or span left the double range (stacked 1e308s): the data's
    -- size, not a bug (NaN would come from a bug upstream, and says so)
    if lo ~= lo or hi ~= hi then error("ticks: the domain is NaN", 2) end
    error(errors.new("invalid_data", "data", errors.BEYOND_RANGE), 0)
  end
  if lo > hi then lo, hi = hi, lo end
  lo, hi = M.expand(lo, hi)
  local step, m, e = M.step(lo, hi, count)
  local unit = value(1, m, e)
  local i0, i1
  local eps = 1e-9
  if cover then
    i0 = math.floor(lo / unit + eps)
    i1 = math.ceil(hi / unit - eps)
  else
    i0 = math.ceil(lo / unit - eps)
    i1 = math.floor(hi / unit + eps)
  end
  -- Past 2^52 a tick index is no longer exact (i + 1 == i near 1.7e308 with a step of
  -- 1e292): the values are too close together for their size, so the ends are the ticks.
  if math.abs(i0) > 2 ^ 52 or math.abs(i1) > 2 ^ 52 or i1 - i0 > 10000 then
    return { lo, hi, step = hi / 2 - lo / 2, min = lo, max = hi }
  end
  local out = { step = step }
  for i = i0, i1 do
    local v = value(i, m, e)
    if v == 0 then v = 0.0 end -- no "-0"
    if finite(v) then out[#out + 1] = v end -- a nice end past ±1.8e308 is left out
  end
  out.min = cover and out[1] and math.min(out[1], lo) or lo
  out.max = cover and out[#out] and math.max(out[#out], hi) or hi
  return out
end

-- Nice ticks covering [min, max]: the first tick is <= min and the last >=
-- max. Returns { v1, v2, ..., step = s, min = v1, max = vn }.
function M.nice(min, max, count)
  return build(min, max, count or 5, true)
end

-- Nice ticks of a field whose values are whole numbers (counts, years, ranks): never a
-- fractional step — fewer ticks instead, and at least whole steps of 1.
function M.integer(min, max, count)
  count = count or 5
  local tk = build(min, max, count, true)
  while tk.step < 1 and count > 2 do
    count = count - 1
    tk = build(min, max, count, true)
  end
  if tk.step >= 1 then return tk end
  local out = { step = 1, min = math.floor(min), max = math.max(math.ceil(max), math.floor(min) + 1) }
  for v = out.min, out.max do out[#out + 1] = v end
  return out
end

-- Whether every number of a column (nil skipped) is whole.
function M.whole(col, n)
  for i = 1, n do
    local v = col[i]
    if v ~= nil and v ~= math.floor(v) then return false end
  end
  return true
end

-- Nice ticks inside [min, max] only (for domains that must not grow).
function M.linear(min, max, count)
  return build(min, max, count or 5, false)
end

-- Powers of ten inside [min, max] (both > 0); when fewer than three fit,
-- 2× and 5× multiples are added, and every 1..9 multiple when still few.
-- Returns { values..., multiples = {1} | {1, 2, 5} | {1, ..., 9} }.
function M.log(min, max)
  assert(finite(min) and finite(max) and min > 0 and max > 0, "ticks.log: domain must be > 0")
  if min > max then min, max = max, min end
  local e0 = math.floor(math.log(min, 10) + 1e-9)
  local e1 = math.ceil(math.log(max, 10) - 1e-9)
  local function collect(mults)
    local out = { multiples = mults }
    for e = e0, e1 do
      for _, k in ipairs(mults) do
        local v = value(k, 1, e)
        if v >= min * (1 - 1e-9) and v <= max * (1 + 1e-9) then out[#out + 1] = v end
      end
    end
    return out
  end
  local out = collect({ 1 })
  if #out < 3 then out = collect({ 1, 2, 5 }) end
  if #out < 3 then out = collect({ 1, 2, 3, 4, 5, 6, 7, 8, 9 }) end
  return out
end

-- Calendar arithmetic lives in util.calendar; re-exported for the modules that use it here.
M.days_from_civil = calendar.days_from_civil
M.civil_from_days = calendar.civil_from_days

-- Broken-down UTC time of epoch seconds t.
function M.utc(t)
  local days = math.floor(t / 86400)
  local secs = t - days * 86400
  local y, mo, d = M.civil_from_days(days)
  local s = math.floor(secs)
  return { year = y, month = mo, day = d, hour = s // 3600, min = s % 3600 // 60, sec = s % 60,
    wday = (days + 3) % 7 + 1 } -- wday: 1 = Monday (1970-01-01 was a Thursday)
end

function M.epoch(y, mo, d, h, mi, s)
  return M.days_from_civil(y, mo, d) * 86400 + (h or 0) * 3600 + (mi or 0) * 60 + (s or 0)
end

local DAY, MONTH, YEAR = 86400, 30.436875 * 86400, 365.2425 * 86400

-- Candidate intervals, finest first: unit name, steps of that unit, and
-- the approximate length in seconds (months and years vary; their average
-- only picks the interval, alignment is done on the calendar).
M.INTERVALS = {
  { "second", 1, 1 }, { "second", 5, 5 }, { "second", 15, 15 }, { "second", 30, 30 },
  { "minute", 1, 60 }, { "minute", 5, 300 }, { "minute", 15, 900 }, { "minute", 30, 1800 },
  { "hour", 1, 3600 }, { "hour", 3, 3 * 3600 }, { "hour", 6, 6 * 3600 }, { "hour", 12, 12 * 3600 },
  { "day", 1, DAY }, { "day", 2, 2 * DAY }, { "week", 1, 7 * DAY },
  { "month", 1, MONTH }, { "quarter", 1, 3 * MONTH }, { "month", 6, 6 * MONTH },
  { "year", 1, YEAR }, { "year", 2, 2 * YEAR }, { "year", 5, 5 * YEAR },
  { "decade", 1, 10 * YEAR }, { "decade", 2, 20 * YEAR }, { "decade", 5, 50 * YEAR }, { "decade", 10, 100 * YEAR },
}

local UNIT_RANK = { second = 1, minute = 2, hour = 3, day = 4, week = 5, month = 6, quarter = 7, year = 8, decade = 9 }
M.UNIT_RANK = UNIT_RANK

-- The interval whose length is nearest (by ratio) to span / count, never
-- finer than `min_unit` (e.g. the data's own grain: monthly data gets no
-- day ticks).
function M.interval(span, count, min_unit)
  local target = span / math.max(1, count or 5)
  local floor_rank = min_unit and UNIT_RANK[min_unit] or 0
  local best, best_err
  for _, iv in ipairs(M.INTERVALS) do
    if UNIT_RANK[iv[1]] >= floor_rank then
      local err = math.abs(math.log(iv[3] / target))
      if not best_err or err < best_err then best, best_err = iv, err end
    end
  end
  return best[1], best[2]
end

-- The first boundary of (unit, step) at or before t.
function M.floor_time(t, unit, step)
  local u = M.utc(t)
  if unit == "second" or unit == "minute" or unit == "hour" or unit == "day" then
    local len = ({ second = 1, minute = 60, hour = 3600, day = DAY })[unit] * step
    return math.floor(t / len) * len
  elseif unit == "week" then
    -- Weeks start on Monday (ISO 8601); epoch day 4 (1970-01-05) was a Monday.
    local days = math.floor(t / DAY)
    return ((days - 4) // (7 * step) * 7 * step + 4) * DAY
  elseif unit == "month" or unit == "quarter" then
    local n = unit == "quarter" and 3 * step or step
    local mi = (u.year * 12 + u.month - 1) // n * n
    return M.epoch(mi // 12, mi % 12 + 1, 1)
  else
    local n = unit == "decade" and 10 * step or step
    return M.epoch(u.year // n * n, 1, 1)
  end
end

-- The boundary after t (t on a boundary of unit, step).
function M.next_time(t, unit, step)
  if unit == "second" then return t + step
  elseif unit == "minute" then return t + 60 * step
  elseif unit == "hour" then return t + 3600 * step
  elseif unit == "day" then return t + DAY * step
  elseif unit == "week" then return t + 7 * DAY * step end
  local u = M.utc(t)
  if unit == "month" or unit == "quarter" then
    local mi = u.year * 12 + u.month - 1 + (unit == "quarter" and 3 * step or step)
    return M.epoch(mi // 12, mi % 12 + 1, 1)
  end
  return M.epoch(u.year + (unit == "decade" and 10 * step or step), 1, 1)
end

-- Ticks for epoch seconds t0..t1 aligned to one calendar unit in UTC:
-- { t1, t2, ..., unit = "month", step = 3 }. `min_unit` as in M.interval.
function M.time(t0, t1, count, min_unit)
  assert(finite(t0) and finite(t1), "ticks.time: domain must be finite numbers")
  if t0 > t1 then t0, t1 = t1, t0 end
  if t0 == t1 then t0, t1 = t0 - DAY / 2, t1 + DAY / 2 end
  local unit, step = M.interval(t1 - t0, count, min_unit)
  local out = { unit = unit, step = step }
  local t = M.floor_time(t0, unit, step)
  if t < t0 then t = M.next_time(t, unit, step) end
  -- The cap guards against a pathological count; 1000 ticks is never useful.
  while t <= t1 and #out < 1000 do
    out[#out + 1] = t
    t = M.next_time(t, unit, step)
  end
  return out
end

return M
