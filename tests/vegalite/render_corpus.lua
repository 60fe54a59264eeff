-- Renders every Vega-Lite spec named on the command line through chartd's pipeline and
-- prints one JSON line per spec: whether it rendered, the error or warnings, and the whole
-- data_summary (uncapped). SVG_DIR (optional, env) receives each chart as SVG.
-- usage: lua5.4 tests/vegalite/render_corpus.lua FILE.json ...   (run from the source tree)
local json = require "util.json"
local files = require "util.files"
local pipeline = require "pipeline"
local summary = require "charts.shared.summary"

summary.MAX_ROWS = 1000000

local svg_dir = os.getenv("SVG_DIR")

for _, path in ipairs(arg) do
  local name = path:match("([^/]+)%.json$") or path
  local out = { name = name }
  local text = assert(files.read(path))
  local spec = json.decode(text)
  if svg_dir then spec.format = "svg" end
  local ok, result, err = pcall(pipeline.render, spec)
  if not ok then
    out.ok, out.code, out.message = false, "crash", tostring(result)
  elseif not result then
    out.ok, out.code, out.message = false, err.code, err.message
  else
    out.ok = true
    out.warnings = result.warnings or json.array({})
    out.summary = result.data_summary
    out.type = result.spec.type
    -- Fields drawn as dates: their summary values are epoch seconds.
    out.temporal = json.array({})
    for _, ch in pairs(result.spec.encoding) do
      if ch.type == "temporal" and ch.field then out.temporal[#out.temporal + 1] = ch.field end
    end
    if svg_dir then assert(files.write_atomic(svg_dir .. "/" .. name .. ".svg", result.bytes)) end
  end
  io.stdout:write(json.encode(out), "\n")
  io.stdout:flush()
end
