-- Kernel density estimation for the density and violin charts: a Gaussian
-- kernel with Silverman's rule-of-thumb bandwidth, evaluated on a grid that
-- reaches `cut` bandwidths past the data so the curve's area is ~1.
local transform = require "data.transform"

local M = {}

M.GRID = 200        -- evaluation points per curve
M.CUT = 3           -- grid reaches this many bandwidths beyond min and max (seaborn's default)
-- Above this many kernel evaluations the data is first linearly binned onto
-- a fine grid (the classic binned KDE), so 100,000 values stay fast.
M.EXACT_LIMIT = 200000
M.FINE = 512

local SQRT2PI = math.sqrt(2 * math.pi)
local exp, floor, ceil, min, max = math.exp, math.floor, math.ceil, math.min, math.max

-- Silverman's rule: 0.9 × min(sd, IQR / 1.34) × n^(-1/5). Flat data (sd 0)
-- falls back to a tenth of |value| (or 1) so one value still draws a bump.
function M.silverman(xs)
  local n = #xs
  if n == 0 then return nil end
  local mean = transform.aggregate(xs, "mean")
  local ss = 0
  for i = 1, n do ss = ss + (xs[i] - mean) ^ 2 end
  local sd = n > 1 and math.sqrt(ss / (n - 1)) or 0
  local q1, _, q3 = transform.quartiles(xs)
  local spread = sd
  local iqr = (q3 - q1) / 1.34
  if iqr > 0 and iqr < spread then spread = iqr end
  if spread <= 0 then return math.abs(mean) > 0 and math.abs(mean) * 0.1 or 1 end
  return 0.9 * spread * n ^ -0.2
end

-- M.estimate(xs [, {bandwidth=, lo=, hi=, grid=}]) → { xs = {...}, ys = {...},
-- bandwidth =, n =, lo =, hi = } | nil (no values). xs may not hold nils.
-- lo/hi default to min - cut·h and max + cut·h.
function M.estimate(values, opts)
  opts = opts or {}
  local n = #values
  if n == 0 then return nil end
  local h = opts.bandwidth or M.silverman(values)
  local mn, mx = math.huge, -math.huge
  for i = 1, n do
    local v = values[i]
    if v < mn then mn = v end
    if v > mx then mx = v end
  end
  local lo, hi = opts.lo or mn - M.CUT * h, opts.hi or mx + M.CUT * h
  local g = opts.grid or M.GRID
  local gx, gy = {}, {}
  local dx = (hi - lo) / (g - 1)
  for i = 1, g do gx[i], gy[i] = lo + (i - 1) * dx, 0 end
  local norm = 1 / (n * h * SQRT2PI)
  -- Points (and their weights) the kernels sit on: the distinct values with
  -- their counts (data is often rounded: the same sum, fewer kernels), or
  -- bin centres.
  local pts, wts
  if n * g <= M.EXACT_LIMIT then
    local at = {}
    pts, wts = {}, {}
    for i = 1, n do
      local v = values[i]
      local k = at[v]
      if k then
        wts[k] = wts[k] + 1
      else
        k = #pts + 1
        pts[k], wts[k], at[v] = v, 1, k
      end
    end
  else
    local f = M.FINE
    local fdx = (mx - mn) / (f - 1)
    pts, wts = {}, {}
    for j = 1, f do pts[j], wts[j] = mn + (j - 1) * fdx, 0 end
    if fdx == 0 then
      wts[1] = n
    else
      for i = 1, n do
        local t = (values[i] - mn) / fdx
        local j = math.floor(t)
        if j >= f - 1 then j = f - 2 end
        local frac = t - j
        wts[j + 1] = wts[j + 1] + (1 - frac)
        wts[j + 2] = wts[j + 2] + frac
      end
    end
  end
  -- Kernels are cut at 5 bandwidths (weight < 4e-6 beyond): grid points
  -- past it are skipped rather than summed as zeros. Along the evenly spaced
  -- grid u grows by du, so exp(-u²/2) follows from the previous point with two
  -- multiplications (e' = e·r, r' = r·exp(-du²)) instead of one exp per point.
  local reach, du = 5 * h, dx / h
  local step_ratio = exp(-du * du)
  for j = 1, #pts do
    local w = wts[j]
    local p = pts[j]
    local i0 = max(1, floor((p - reach - lo) / dx) + 1)
    local i1 = min(g, ceil((p + reach - lo) / dx) + 1)
    if w > 0 and i0 <= i1 and du > 0.5 then
      -- A grid coarser than the kernel: few points each, and the recurrence's factors would
      -- over/underflow (0 · inf = NaN), so one exp per point.
      for i = i0, i1 do
        local u = (gx[i] - p) / h
        gy[i] = gy[i] + w * exp(-0.5 * u * u)
      end
    elseif w > 0 and i0 <= i1 then
      local u = (gx[i0] - p) / h
      local e, r = w * exp(-0.5 * u * u), exp(-u * du - 0.5 * du * du)
      for i = i0, i1 do
        gy[i] = gy[i] + e
        e, r = e * r, r * step_ratio
      end
    end
  end
  local peak = 0
  for i = 1, g do
    gy[i] = gy[i] * norm
    if gy[i] > peak then peak = gy[i] end
  end
  return { xs = gx, ys = gy, bandwidth = h, n = n, lo = lo, hi = hi, peak = peak, min = mn, max = mx }
end

-- Trapezoid area under a curve (tests, and the alt text's sanity).
function M.area(curve)
  local a = 0
  for i = 2, #curve.xs do a = a + (curve.xs[i] - curve.xs[i - 1]) * (curve.ys[i] + curve.ys[i - 1]) / 2 end
  return a
end

-- The x of the curve's highest point (the mode the alt text names).
function M.mode(curve)
  local best = 1
  for i = 2, #curve.ys do if curve.ys[i] > curve.ys[best] then best = i end end
  return curve.xs[best]
end

return M
