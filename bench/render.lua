-- Render benchmark inside one process: every chart type's sample at 800×600,
-- PNG and SVG, median of N renders after a warm-up, through pipeline.render
-- (validate + layout + draw + encode). Prints one JSON object on stdout; with
-- --samples FILE also writes each sample's records and encoding (for
-- bench/render.py to draw the same data with matplotlib).
--   lua5.4 bench/render.lua [--cpath build/lib/?.so] [--n 30] [--warmup 5]
--                           [--compression 0..9] [--samples FILE] [type ...]
local argv, opt, only = arg, { cpath = "build/lib/?.so", n = "30", warmup = "5" }, {}
local i = 1
while i <= #argv do
  local k = argv[i]:match("^%-%-(.+)$")
  if k then opt[k] = argv[i + 1]; i = i + 1 else only[#only + 1] = argv[i] end
  i = i + 1
end
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = opt.cpath .. ";" .. package.cpath

local pipeline = require "pipeline"
local charts = require "charts"
local clock = require "chartd.clock"
local json = require "util.json"
local frame = require "data.frame"
local validate = require "chartspec.validate"

-- The GC runs with Lua's defaults, as in the workers (src/runtime.c says why).
local N, WARMUP = tonumber(opt.n), tonumber(opt.warmup)
local compression = opt.compression and tonumber(opt.compression) or nil

local function copy(t)
  if type(t) ~= "table" then return t end
  local out = {}
  for k, v in pairs(t) do out[k] = copy(v) end
  return out
end

local function median(xs)
  table.sort(xs)
  local n = #xs
  if n % 2 == 1 then return xs[(n + 1) // 2] end
  return (xs[n // 2] + xs[n // 2 + 1]) / 2
end

local function round(x) return math.floor(x * 1000 + 0.5) / 1000 end

local function bench(spec, format)
  local s = copy(spec)
  s.width, s.height, s.scale, s.format, s.theme = 800, 600, 1, format, "light"
  local total, encode, bytes = {}, {}, 0
  for k = 1, WARMUP + N do
    local t0 = clock.now_ms()
    local r = assert(pipeline.render(s, { compression = compression }))
    local dt = clock.now_ms() - t0
    if k > WARMUP then
      total[#total + 1] = dt
      encode[#encode + 1] = r.timings_ms.encode_ms or 0
      bytes = #r.bytes
    end
  end
  return { median_ms = round(median(total)), encode_ms = round(median(encode)), bytes = bytes }
end

local out, samples = { n = N, warmup = WARMUP, compression = compression or 6, types = {} }, {}
local types = #only > 0 and only or charts.names()
for _, t in ipairs(types) do
  local sample = charts.get(t).sample
  out.types[t] = { png = bench(sample, "png"), svg = bench(sample, "svg") }
  if opt.samples then
    local spec = assert(validate.spec(copy(sample)))
    samples[t] = { records = frame.to_records(spec.data), encoding = copy(sample.encoding),
      options = copy(sample.options or {}), title = sample.title }
  end
end
if opt.samples then
  local f = assert(io.open(opt.samples, "wb"))
  f:write(json.encode(samples))
  f:close()
end
io.write(json.encode(out), "\n")
