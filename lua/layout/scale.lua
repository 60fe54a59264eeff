-- Scales: data value → position along an axis (linear, log, band, time).
-- Every scale is callable (s(v) is s:map(v)) and carries .kind, .domain
-- and .range; ranges may run backwards (a y axis grows upwards).
local errors = require "util.errors"
local ticks = require "layout.ticks"

local M = {}

local function callable(obj, methods)
  return setmetatable(obj, { __index = methods, __call = function(self, v) return self:map(v) end })
end

local function pair(t, what)
  if type(t) ~= "table" or type(t[1]) ~= "number" or type(t[2]) ~= "number" then
    error(("scale: %s must be {number, number}"):format(what), 3)
  end
  return t[1], t[2]
end

local function identity(v) return v end

-- Continuous scales share map/invert through `fwd` (domain value → a
-- linear coordinate) and `back`.
local Continuous = {}

-- Differences of finite numbers overflow past ±1.8e308 (1e308 - -1e308 is inf): near the
-- ends of the double range they are taken in halves, which cannot overflow.
local HUGE = 2 ^ 1000

local function big(...)
  for i = 1, select("#", ...) do
    local x = select(i, ...)
    if x > HUGE or x < -HUGE then return true end
  end
  return false
end

-- (x - a) / (b - a) without overflow.
local function ratio(x, a, b)
  if big(x, a, b) then return (x / 2 - a / 2) / (b / 2 - a / 2) end
  return (x - a) / (b - a)
end

function Continuous:map(v)
  local d0, d1 = self.fwd(self.domain[1]), self.fwd(self.domain[2])
  local r0, r1 = self.range[1], self.range[2]
  local t = d1 ~= d0 and ratio(self.fwd(v), d0, d1) or 0.5
  if self.clamp then t = math.max(0, math.min(1, t)) end
  return r0 + t * (r1 - r0)
end

function Continuous:invert(px)
  local d0, d1 = self.fwd(self.domain[1]), self.fwd(self.domain[2])
  local r0, r1 = self.range[1], self.range[2]
  local t = r1 ~= r0 and (px - r0) / (r1 - r0) or 0.5
  if self.clamp then t = math.max(0, math.min(1, t)) end
  if big(d0, d1) then return self.back(d0 + t * (d1 / 2 - d0 / 2) * 2) end
  return self.back(d0 + t * (d1 - d0))
end

local function lo_hi(self)
  local a, b = self.domain[1], self.domain[2]
  if a > b then a, b = b, a end
  return a, b
end

local Linear = setmetatable({}, { __index = Continuous })

-- a, b with s(v) == a + b * v (up to rounding), for code that maps thousands of values.
function Linear:affine()
  local d0, d1, r0, r1 = self.domain[1], self.domain[2], self.range[1], self.range[2]
  if d1 == d0 or self.clamp then error("scale: no affine form for a clamped or one-point scale", 2) end
  local b = big(d0, d1) and (r1 - r0) / (d1 / 2 - d0 / 2) / 2 or (r1 - r0) / (d1 - d0)
  if b ~= b or b == math.huge or b == -math.huge then -- a span near 1e-308: pixels per unit overflow
    error(errors.new("invalid_data", "data", "the values are too close together to draw (their span is "
      .. "below 1e-300); scale the data up"), 0)
  end
  return r0 - d0 * b, b
end

-- Tick values inside the domain, about n of them ({..., step = s}).
function Linear:ticks(n)
  local a, b = lo_hi(self)
  return ticks.linear(a, b, n or 5)
end

-- scale.linear{ domain = {a, b}, range = {r0, r1}, nice = bool (default
-- false), count = ticks the nice domain is rounded for (5), zero = bool
-- (domain extended to include 0), clamp = bool }
function M.linear(o)
  local a, b = pair(o.domain, "domain")
  local r0, r1 = pair(o.range or { 0, 1 }, "range")
  local flip = a > b
  if flip then a, b = b, a end
  if o.zero then a, b = math.min(a, 0), math.max(b, 0) end
  a, b = ticks.expand(a, b)
  if o.nice then
    local t = ticks.nice(a, b, o.count or 5)
    a, b = t.min, t.max
  end
  if flip then a, b = b, a end
  return callable({ kind = "linear", domain = { a, b }, range = { r0, r1 }, clamp = o.clamp or false,
    fwd = identity, back = identity }, Linear)
end

local Log = setmetatable({}, { __index = Continuous })

function Log:ticks()
  local a, b = lo_hi(self)
  return ticks.log(a, b)
end

local function log10(v) return math.log(v, 10) end
local function pow10(v) return 10 ^ v end

-- scale.log{ domain = {a, b} (both > 0), range, nice = bool (domain out to
-- powers of ten), clamp }. Values <= 0 map to nil (they have no place).
function M.log(o)
  local a, b = pair(o.domain, "domain")
  if not (a > 0 and b > 0) then
    error(("scale.log: domain must be > 0, got {%s, %s}"):format(tostring(a), tostring(b)), 2)
  end
  local r0, r1 = pair(o.range or { 0, 1 }, "range")
  local flip = a > b
  if flip then a, b = b, a end
  -- A widened or nice end past the double range (10^-324 is 0, 10^309 is inf) stays the data's own.
  local function within(v, keep) return v > 0 and v < math.huge and v or keep end
  if a == b then a, b = within(a / 10, a), within(b * 10, b) end
  if o.nice then
    a = within(10 ^ math.floor(log10(a) + 1e-9), a)
    b = within(10 ^ math.ceil(log10(b) - 1e-9), b)
  end
  if flip then a, b = b, a end
  local s = callable({ kind = "log", domain = { a, b }, range = { r0, r1 }, clamp = o.clamp or false,
    fwd = log10, back = pow10 }, Log)
  local map = Continuous.map
  s.map = function(self, v)
    if type(v) ~= "number" or v <= 0 then return nil end
    return map(self, v)
  end
  return s
end

local Time = setmetatable({}, { __index = Continuous })
Time.affine = Linear.affine -- epoch seconds map linearly too

-- Calendar-aligned ticks: { t..., unit = "month", step = 1 }.
function Time:ticks(n)
  local a, b = lo_hi(self)
  return ticks.time(a, b, n or 5, self.min_unit)
end

-- scale.time{ domain = {t0, t1} (epoch seconds), range, nice = bool
-- (domain out to the tick unit's boundaries), count, min_unit, clamp }
function M.time(o)
  local a, b = pair(o.domain, "domain")
  local r0, r1 = pair(o.range or { 0, 1 }, "range")
  local flip = a > b
  if flip then a, b = b, a end
  if a == b then a, b = a - 43200, b + 43200 end
  if o.nice then
    local t = ticks.time(a, b, o.count or 5, o.min_unit)
    a = ticks.floor_time(a, t.unit, t.step)
    local e = ticks.floor_time(b, t.unit, t.step)
    b = e < b and ticks.next_time(e, t.unit, t.step) or e
  end
  if flip then a, b = b, a end
  return callable({ kind = "time", domain = { a, b }, range = { r0, r1 }, clamp = o.clamp or false,
    min_unit = o.min_unit, fwd = identity, back = identity }, Time)
end

local Band = {}

-- Start (lowest coordinate) of the category's band, or nil if unknown.
function Band:map(cat)
  local i = self.index[cat]
  if i == nil then return nil end
  if self.reversed then i = #self.domain - i + 1 end
  return self.start + (i - 1) * self.step
end

function Band:center(cat)
  local s = self:map(cat)
  return s and s + self.band / 2
end

function Band:bandwidth() return self.band end

function Band:ticks() return self.domain end

-- The category whose step contains px (nil outside every step).
function Band:invert(px)
  local i = math.floor((px - self.start + self.step * self.padding_inner / 2) / self.step) + 1
  if i < 1 or i > #self.domain then return nil end
  if self.reversed then i = #self.domain - i + 1 end
  return self.domain[i]
end

-- scale.band{ domain = {"a", "b", ...}, range = {r0, r1}, padding_inner =
-- 0.2, padding_outer = 0.1 (or padding = both) } as in d3-scale: step =
-- length / (n - inner + 2 × outer), bandwidth = step × (1 - inner). The
-- first category sits at r0: with a reversed range it is the highest
-- coordinate, and map() still returns the band's low edge.
function M.band(o)
  local domain = o.domain or {}
  local r0, r1 = pair(o.range or { 0, 1 }, "range")
  local pi = o.padding_inner or o.padding or 0.2
  local po = o.padding_outer or o.padding or 0.1
  local n = #domain
  local lo, hi = math.min(r0, r1), math.max(r0, r1)
  local step = (hi - lo) / math.max(1, n - pi + 2 * po)
  local index = {}
  for i, c in ipairs(domain) do if index[c] == nil then index[c] = i end end
  local s = setmetatable({
    kind = "band", domain = domain, range = { r0, r1 }, index = index, step = step,
    band = step * (1 - pi), start = lo + step * po, reversed = r1 < r0,
    padding_inner = pi, padding_outer = po,
  }, { __index = Band, __call = function(self, v) return self:map(v) end })
  return s
end

-- Builds a scale by kind name ("linear" | "log" | "time" | "band").
function M.new(kind, o)
  local make = M[kind or "linear"]
  if type(make) ~= "function" or kind == "new" then error(('scale: unknown kind "%s"'):format(tostring(kind)), 2) end
  return make(o)
end

return M
