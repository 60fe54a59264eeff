-- One chart of bench/scale.py's scale benchmark inside one lua5.4 process: a line or scatter
-- spec whose data is a CSV file's text, rendered to an 800×600 PNG through pipeline.render
-- (CSV parsing, validation, layout, drawing, encoding), `--warmup` untimed then `--n` timed
-- renders. Prints one JSON object: median ms of the whole render, of its validate stage
-- (CSV → columns), the drawing method, the PNG's size and the process's peak RSS.
--   lua5.4 bench/scale.lua --cpath 'build-rel/lib/?.so' --type line --csv data.csv [--n 3] [--warmup 1]
--     [--xtype temporal]
local opt, i = { cpath = "build-rel/lib/?.so", n = "3", warmup = "1", format = "png", xtype = "quantitative" }, 1
while i <= #arg do
  opt[arg[i]:match("^%-%-(.+)$") or error("bad option " .. arg[i])] = arg[i + 1]
  i = i + 2
end
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = opt.cpath .. ";" .. package.cpath

local pipeline = require "pipeline"
local clock = require "chartd.clock"
local json = require "util.json"

local f = assert(io.open(opt.csv, "rb"))
local text = f:read("a")
f:close()
local x, y = text:match("^([^,\n]+),([^,\n]+)\n")

local function median(xs)
  table.sort(xs)
  local n = #xs
  return n % 2 == 1 and xs[(n + 1) // 2] or (xs[n // 2] + xs[n // 2 + 1]) / 2
end

local total, parse, out = {}, {}, nil
for k = 1, tonumber(opt.warmup) + tonumber(opt.n) do
  local spec = { type = opt.type, width = 800, height = 600, format = opt.format, data = text,
    encoding = { x = { field = x, type = opt.xtype }, y = { field = y, type = "quantitative" } } }
  collectgarbage() -- the previous render's garbage is not this one's cost
  local t0 = clock.now_ms()
  out = assert(pipeline.render(spec))
  local dt = clock.now_ms() - t0
  if k > tonumber(opt.warmup) then
    total[#total + 1] = dt
    parse[#parse + 1] = out.timings_ms.validate_ms
  end
end
local status = assert(io.open("/proc/self/status")):read("a")
io.write(json.encode({ median_ms = median(total), validate_ms = median(parse), bytes = #out.bytes,
  drawing = out.drawing, peak_rss_kb = tonumber(status:match("VmHWM:%s*(%d+)")) }), "\n")
