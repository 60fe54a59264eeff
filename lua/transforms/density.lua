-- {"density": "field", "groupby": [...], "bandwidth": 0, "extent": [a, b], "steps": n,
-- "minsteps": 25, "maxsteps": 200, "resolve": "shared"|"independent", "counts": bool,
-- "cumulative": bool, "as": ["value", "density"]}: a Gaussian kernel density estimate per
-- group, sampled as Vega samples it, so the points match Vega's: "shared" (Vega-Lite's
-- default) puts every group on the whole data's extent in maxsteps even steps;
-- "independent" samples each group's own extent adaptively (more steps where it bends).
local errors = require "util.errors"
local expression = require "transforms.expression"
local json = require "util.json"
local ops = require "transforms.ops"

local M = {}

local SQRT2PI = math.sqrt(2 * math.pi)
local MIN_RADIANS = 0.5 * math.pi / 180

local function number(v)
  if v == nil or v == json.null or v == "" then return nil end
  local n = type(v) == "number" and v or expression.to_number(v)
  if n ~= n then return nil end
  return n
end

local function pdf(z) return math.exp(-0.5 * z * z) / SQRT2PI end

-- West (2009)'s cumulative normal, as vega-statistics computes it.
local function cdf(z)
  local Z = math.abs(z)
  local cd
  if Z > 37 then
    cd = 0
  elseif Z < 7.07106781186547 then
    local e = math.exp(-Z * Z / 2)
    local s = 3.52624965998911e-02 * Z + 0.700383064443688
    for _, c in ipairs({ 6.37396220353165, 33.912866078383, 112.079291497871, 221.213596169931,
      220.206867912376 }) do s = s * Z + c end
    cd = e * s
    s = 8.83883476483184e-02 * Z + 1.75566716318264
    for _, c in ipairs({ 16.064177579207, 86.7807322029461, 296.564248779674, 637.333633378831,
      793.826512519948, 440.413735824752 }) do s = s * Z + c end
    cd = cd / s
  else
    local s = Z + 0.65
    for _, c in ipairs({ 4, 3, 2, 1 }) do s = Z + c / s end
    cd = math.exp(-Z * Z / 2) / s / 2.506628274631
  end
  return z > 0 and 1 - cd or cd
end

-- Scott-style bandwidth (vega-statistics): 1.06 · min(sd, IQR/1.34) · n^-1/5, n counting the
-- group's missing values too, as Vega's does.
function M.bandwidth(rows, field)
  local sd = ops.compute("stdev", rows, field)
  local q1, q3 = ops.compute("q1", rows, field), ops.compute("q3", rows, field)
  if sd == json.null then sd = nil end
  local h = q1 ~= json.null and (q3 - q1) / 1.34 or nil
  local v = sd and h and math.min(sd, h)
  if not v or v == 0 then v = sd end
  if not v or v == 0 then v = q1 ~= json.null and math.abs(q1) or nil end
  if not v or v == 0 then v = 1 end
  return 1.06 * v * (#rows) ^ -0.2
end

-- vega-statistics' sampleCurve: adaptive samples of f over [lo, hi].
function M.sample(f, lo, hi, minsteps, maxsteps)
  minsteps = minsteps or 25
  maxsteps = math.max(minsteps, maxsteps or 200)
  local function point(x) return { x, f(x) } end
  local span = hi - lo
  local stop = span / maxsteps
  local prev, nxt = { point(lo) }, {}
  if minsteps == maxsteps then
    for i = 1, maxsteps - 1 do prev[#prev + 1] = point(lo + (i / minsteps) * span) end
    prev[#prev + 1] = point(hi)
    return prev
  end
  nxt[1] = point(hi)
  for i = minsteps - 1, 1, -1 do nxt[#nxt + 1] = point(lo + (i / minsteps) * span) end
  local p0, p1 = prev[1], nxt[#nxt]
  local sx = 1 / span
  local ymin, ymax = p0[2], p0[2]
  for _, p in ipairs(nxt) do
    if p[2] < ymin then ymin = p[2] end
    if p[2] > ymax then ymax = p[2] end
  end
  local sy = 1 / (ymax - ymin)
  local guard = 0
  while p1 and guard < 100000 do
    guard = guard + 1
    local pm = point((p0[1] + p1[1]) / 2)
    local a0 = math.atan(sy * (p1[2] - p0[2]), sx * (p1[1] - p0[1]))
    local a1 = math.atan(sy * (pm[2] - p0[2]), sx * (pm[1] - p0[1]))
    if pm[1] - p0[1] >= stop and math.abs(a0 - a1) > MIN_RADIANS then
      nxt[#nxt + 1] = pm
    else
      p0 = p1
      prev[#prev + 1] = p1
      nxt[#nxt] = nil
    end
    p1 = nxt[#nxt]
  end
  return prev
end

function M.apply(records, t, path)
  local field = t.density
  if type(field) ~= "string" then
    error(errors.new("invalid_spec", path .. ".density", "needs the field to estimate"))
  end
  local as = type(t.as) == "table" and t.as or { "value", "density" }
  local groupby = type(t.groupby) == "table" and t.groupby or {}
  local minsteps = tonumber(t.steps) or tonumber(t.minsteps) or 25
  local maxsteps = tonumber(t.steps) or tonumber(t.maxsteps) or 200
  local shared_extent
  if (t.resolve or "shared") == "shared" then
    minsteps, maxsteps = maxsteps, maxsteps
    if type(t.extent) ~= "table" then
      local lo, hi
      for _, r in ipairs(records) do
        local v = number(r[field])
        if v then
          if lo == nil or v < lo then lo = v end
          if hi == nil or v > hi then hi = v end
        end
      end
      shared_extent = { lo, hi }
    end
  end
  local out = json.array({})
  for _, g in ipairs(ops.group(records, groupby)) do
    -- Vega keeps a group's missing values in the support, where they count as 0.
    local support, lo, hi = {}, nil, nil
    for i, r in ipairs(g.rows) do
      local v = number(r[field])
      support[i] = v or 0
      if v then
        if lo == nil or v < lo then lo = v end
        if hi == nil or v > hi then hi = v end
      end
    end
    local bw = tonumber(t.bandwidth) or 0
    if bw == 0 then bw = M.bandwidth(g.rows, field) end
    local n = #support
    local kernel = t.cumulative and cdf or pdf
    local function f(x)
      local y = 0
      for i = 1, n do y = y + kernel((x - support[i]) / bw) end
      return t.cumulative and y / n or y / bw / n
    end
    local ext = type(t.extent) == "table" and t.extent or shared_extent or { lo, hi }
    local a, b = number(ext[1]), number(ext[2])
    if a and b and n > 0 then
      local scale = t.counts and n or 1
      for _, p in ipairs(M.sample(f, a, b, minsteps, maxsteps)) do
        out[#out + 1] = ops.group_record(groupby, g, { [as[1]] = p[1], [as[2]] = p[2] * scale })
      end
    end
  end
  return out
end

return M
