-- Error bars and confidence bands (options.interval on line, bar, scatter):
-- Vega-Lite's errorbar extents computed from the raw rows of each (x, colour)
-- group, around the group mean. Pure: numbers in, numbers out.
local transform = require "data.transform"

local M = {}

M.KINDS = { "ci", "stdev", "stderr", "minmax" }

-- Two-sided 95 % Student t critical values by degrees of freedom (1..30);
-- beyond 30 the normal 1.96 is within 2 % and Vega-Lite uses it too.
M.T95 = { 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
  2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042 }

function M.t95(df)
  return M.T95[df] or 1.96
end

-- Words for alt text: "Error bars show 95% confidence intervals of the mean."
M.WORDS = { ci = "95% confidence intervals of the mean", stdev = "the mean ±1 standard deviation",
  stderr = "the mean ±1 standard error", minmax = "the range from minimum to maximum" }

-- The alt-text sentence for `what` ("Bands", "Error bars") of kind, or "".
function M.sentence(what, kind)
  if not kind then return "" end
  return (" %s show %s."):format(what, M.WORDS[kind])
end

-- M.bounds(values, kind) → lo, hi, mean, or nil for fewer than two values
-- (one row has no spread to show). The sample (n − 1) standard deviation.
function M.bounds(values, kind)
  local n = #values
  if n < 2 then return nil end
  local mean = transform.aggregate(values, "mean")
  if kind == "minmax" then
    return transform.aggregate(values, "min"), transform.aggregate(values, "max"), mean
  end
  local ss = 0
  for i = 1, n do ss = ss + (values[i] - mean) ^ 2 end
  local sd = math.sqrt(ss / (n - 1))
  if sd == math.huge then
    -- Squares of deviations past ~1e154 leave the double range, the deviation need not:
    -- halves scaled by the largest. (A spread still past ±1.8e308 stays infinite, and the
    -- frame answers that the values are too large to draw.)
    local big = 0
    for i = 1, n do big = math.max(big, math.abs(values[i] / 2 - mean / 2)) end
    ss = 0
    for i = 1, n do ss = ss + ((values[i] / 2 - mean / 2) / big) ^ 2 end
    sd = 2 * big * math.sqrt(ss / (n - 1))
  end
  local half
  if kind == "stdev" then half = sd
  elseif kind == "stderr" then half = sd / math.sqrt(n)
  elseif kind == "ci" then half = M.t95(n - 1) * sd / math.sqrt(n)
  else error("unknown interval " .. tostring(kind), 2) end
  return mean - half, mean + half, mean
end

-- Whether an interval applies to a spec's y: around a mean only (an
-- interval around a sum, median or count would misdescribe the spread).
function M.applies(spec)
  local kind = (spec.options or {}).interval
  if not kind then return false end
  local op = spec.encoding.y.aggregate
  return op == nil or op == "mean" or op == "average"
end

-- With an interval and no explicit aggregate, y is the group mean (as in
-- Vega-Lite's errorbar): a spec copy with encoding.y.aggregate = "mean".
function M.mean_spec(spec)
  if not M.applies(spec) or spec.encoding.y.aggregate then return spec end
  local y = {}
  for k, v in pairs(spec.encoding.y) do y[k] = v end
  y.aggregate = "mean"
  local enc = {}
  for k, v in pairs(spec.encoding) do enc[k] = v end
  enc.y = y
  local out = {}
  for k, v in pairs(spec) do out[k] = v end
  out.encoding = enc
  return out
end

-- Raw y values per group: xkey(row) and ckey(row) give the group's x and
-- colour; rows with a missing x or y are skipped.
-- → { [x] = { [c] = {y, ...} } }
function M.collect(n, ycol, xkey, ckey)
  local out = {}
  for r = 1, n do
    local x, y = xkey(r), ycol[r]
    if x ~= nil and y ~= nil then
      local c = ckey(r)
      local byc = out[x]
      if not byc then byc = {}; out[x] = byc end
      local list = byc[c]
      if not list then list = {}; byc[c] = list end
      list[#list + 1] = y
    end
  end
  return out
end

-- Intervals for a series model (charts.shared.series) built from `spec`:
-- s.lo[i], s.hi[i] on each series for the keys with ≥ 2 rows, and the model's
-- y extent widened to hold them. No-op (returns false) when none applies.
function M.attach(spec, model)
  if not M.applies(spec) or model.stacked or model.normalized then return false end
  local kind = spec.options.interval
  local df, enc = spec.data, spec.encoding
  local xcol, ycol = df.columns[enc.x.field], df.columns[enc.y.field]
  if not ycol then return false end
  local unit = enc.x.type == "temporal" and enc.x.timeUnit
  local ccol = enc.color and enc.color.field and df.columns[enc.color.field]
  local groups = M.collect(df.nrows, ycol, function(r)
    local x = xcol[r]
    if unit and x ~= nil then return transform.time_unit(x, unit) end
    return x
  end, function(r)
    if not ccol then return false end
    local c = ccol[r]
    if c == nil then return "(missing)" end
    return c
  end)
  for _, s in ipairs(model.series) do
    s.lo, s.hi = {}, {}
    local name = s.name
    if name == nil then name = false end
    for i, k in ipairs(model.keys) do
      local list = groups[k] and groups[k][name]
      if list and s.values[i] ~= nil then
        local lo, hi = M.bounds(list, kind)
        if lo then
          s.lo[i], s.hi[i] = lo, hi
          if model.y_min == nil or lo < model.y_min then model.y_min = lo end
          if model.y_max == nil or hi > model.y_max then model.y_max = hi end
        end
      end
    end
  end
  model.interval = kind
  return true
end

-- Strokes an error bar from (x, a) to (x, b) with caps of half-width `cap`;
-- horizontal: from (a, y) to (b, y) with vertical caps (x is then y).
function M.error_bar(canvas, x, a, b, cap, horizontal)
  if horizontal then
    canvas:move_to(a, x); canvas:line_to(b, x)
    canvas:move_to(a, x - cap); canvas:line_to(a, x + cap)
    canvas:move_to(b, x - cap); canvas:line_to(b, x + cap)
  else
    canvas:move_to(x, a); canvas:line_to(x, b)
    canvas:move_to(x - cap, a); canvas:line_to(x + cap, a)
    canvas:move_to(x - cap, b); canvas:line_to(x + cap, b)
  end
end

return M
