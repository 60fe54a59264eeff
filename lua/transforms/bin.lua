-- {"bin": true | {maxbins, step, steps, extent, nice, base, divide, minstep, anchor}, "field": f,
-- "as": name | [start, end]}: each record gains its bin's start and end, chosen as Vega's bin
-- transform chooses them (nice steps of 1, 2, 5 × 10^k within maxbins).
local errors = require "util.errors"
local expression = require "transforms.expression"
local json = require "util.json"

local M = {}

local function num(v)
  if type(v) == "number" then return v == v and v or nil end
  if v == nil or v == json.null or v == "" then return nil end
  local n = expression.to_number(v)
  if n == n then return n end
  return nil
end

-- Vega's bin(): → start, stop, step for an extent and options.
function M.params(lo, hi, opt)
  opt = opt or {}
  local base = opt.base or 10
  local logb = math.log(base)
  local maxb = opt.maxbins or 10
  local span = hi - lo
  local divide = opt.divide or { 5, 2 }
  local minstep = opt.minstep or 0
  local step
  if span == 0 then span = math.abs(lo) ~= 0 and math.abs(lo) or 1 end
  if opt.step then
    step = opt.step
  elseif opt.steps then
    local target = span / maxb
    step = opt.steps[#opt.steps]
    for _, s in ipairs(opt.steps) do if s >= target then step = s; break end end
  else
    local level = math.ceil(math.log(maxb) / logb)
    step = math.max(minstep, base ^ (math.floor(math.log(span) / logb + 0.5) - level))
    while math.ceil(span / step) > maxb do step = step * base end
    for _, d in ipairs(divide) do
      local v = step / d
      if v >= minstep and span / v <= maxb then step = v end
    end
  end
  local v = math.log(step)
  local precision = v >= 0 and 0 or math.floor(-v / logb) + 1
  local eps = base ^ (-precision - 1)
  local start, stop = lo, hi
  if opt.nice ~= false then
    local f = math.floor(lo / step + eps) * step
    start = lo < f and f - step or f
    stop = math.ceil(hi / step) * step
  end
  return start, stop == start and start + step or stop, step
end

-- Refuses bin options no bin can be made from (a step of 0, no bins, a reversed extent).
function M.check(opt, path)
  local function positive(k)
    local v = opt[k]
    if v ~= nil and not (type(v) == "number" and v > 0 and v < math.huge) then
      error(errors.new("invalid_spec", path .. "." .. k, "must be a number greater than 0, got " .. tostring(v)))
    end
  end
  positive("step")
  positive("maxbins")
  positive("base")
  positive("minstep")
  local e = opt.extent
  if e ~= nil and not (type(e) == "table" and num(e[1]) and num(e[2]) and num(e[1]) < num(e[2])) then
    error(errors.new("invalid_spec", path .. ".extent", "must be two numbers [low, high] with low < high"))
  end
end

-- The start of v's bin (the last bin holds its upper edge, as Vega's does).
function M.floor(v, start, stop, step)
  if v < start or v > stop then return nil end
  local b = start + step * math.floor((v - start) / step + 1e-14)
  if b >= stop then b = stop - step end
  return b
end

function M.apply(records, t, path)
  local field = t.field
  if type(field) ~= "string" then error(errors.new("invalid_spec", path .. ".field", "needs the field to bin")) end
  local opt = type(t.bin) == "table" and t.bin or {}
  M.check(opt, path .. ".bin")
  local as = t.as
  local as0, as1
  if type(as) == "table" then as0, as1 = as[1], as[2] else as0 = as end
  as0 = as0 or ("bin_maxbins_" .. (opt.maxbins or 10) .. "_" .. field)
  as1 = as1 or (as0 .. "_end")
  local lo, hi
  if type(opt.extent) == "table" and num(opt.extent[1]) and num(opt.extent[2]) then
    lo, hi = num(opt.extent[1]), num(opt.extent[2])
  else
    for _, r in ipairs(records) do
      local v = num(r[field])
      if v then
        if lo == nil or v < lo then lo = v end
        if hi == nil or v > hi then hi = v end
      end
    end
  end
  if lo == nil then return records end
  local start, stop, step = M.params(lo, hi, opt)
  if (stop - start) / step > 100000 then
    error(errors.new("invalid_spec", path .. ".bin", "the bin step makes more than 100000 bins"))
  end
  if opt.anchor then
    local a = num(opt.anchor)
    if a then start = a + step * math.floor((start - a) / step) end
  end
  for _, r in ipairs(records) do
    local v = num(r[field])
    local b = v and M.floor(v, start, stop, step)
    if b then
      -- Rounded like Vega's output (the float noise of start + k·step kept off the edges).
      b = tonumber(("%.12g"):format(b))
      r[as0], r[as1] = b, tonumber(("%.12g"):format(b + step))
    else
      r[as0], r[as1] = json.null, json.null
    end
  end
  return records
end

return M
