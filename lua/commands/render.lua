-- `chartd render SPEC.json|- -o OUT [--data FILE|-] [--json] [--format F] [--theme T] [--width W]
--   [--height H] [--scale S] [--scene FILE]`
local args = require "commands.args"
local datafile = require "commands.datafile"
local files = require "util.files"
local json = require "util.json"
local pipeline = require "pipeline"

local M = {}

local USAGE = [=[
usage: chartd render SPEC.json|- -o OUT [--data FILE|-] [--json] [--format png|svg|pdf]
                     [--theme NAME] [--width PX] [--height PX] [--scale S] [--scene SCENE.json]
Draws a chart spec (chartd's or Vega-Lite; - reads it from stdin, so `chartd plan ... |
chartd render - ...` composes). OUT "-" writes to stdout; the format comes from OUT's
extension unless --format is given.
--data FILE replaces the spec's data (- reads stdin): CSV, or JSON (an array of records, or an
object like a spec's "data": {"values": [...]} or {"columns": [...], "rows": [[...]]}).
A spec without data that names what it needs (`chartd plan` without --data) is drawn on
illustrative data, seeded by its "seed", and says so on the image.
--json writes the reply a server sends (the `chart` message: spec, alt text, data summary,
the image as base64) instead of the image; -o is then optional (stdout).
--scene writes the scene description (what was drawn where, docs/protocol.md) as JSON.
Exit codes: 0 written, 1 the spec, the data or the output failed (one line on stderr, no
partial file), 2 usage.
]=]

local OPTIONS = { o = "output", output = "output", format = "format", theme = "theme",
  width = "width", height = "height", scale = "scale", scene = "scene", data = "data", d = "data" }

local function fail(code, message)
  io.stderr:write("chartd render: ", message, "\n")
  return code
end

function M.run(argv)
  local opts, positional = args.parse(argv, OPTIONS, { help = true, h = true, json = true })
  if not opts then return fail(2, positional .. "\n" .. USAGE) end
  if opts.help or opts.h then io.stdout:write(USAGE); return 0 end
  if #positional ~= 1 then return fail(2, "expected one SPEC.json (or - for stdin)\n" .. USAGE) end
  if not opts.output and not opts.json then return fail(2, "missing -o OUT\n" .. USAGE) end
  local path = positional[1]
  if path == "-" and opts.data == "-" then return fail(2, "the spec and --data cannot both come from stdin") end
  for _, key in ipairs { "width", "height", "scale" } do
    local ok, err = args.number(opts, key)
    if not ok then return fail(2, err) end
  end
  local output = opts.output or "-"

  local text, rerr = files.read(path)
  if not text then return fail(1, rerr) end
  local spec, jerr = json.decode(text)
  if spec == nil then return fail(1, ("%s: %s"):format(path, jerr)) end
  if type(spec) ~= "table" or json.is_array(spec) then
    return fail(1, ("%s: a chart spec must be a JSON object"):format(path))
  end

  if opts.data then
    local data, derr = datafile.read(opts.data)
    if not data then return fail(1, derr) end
    spec.data = data
  end

  local format = opts.format or (not opts.json and output:match("%.(%a+)$")) or nil
  if format then format = format:lower() end
  if output == "-" and not format then format = spec.format or "png" end
  spec.format = format or spec.format
  spec.theme = opts.theme or spec.theme
  spec.width = opts.width or spec.width
  spec.height = opts.height or spec.height
  spec.scale = opts.scale or spec.scale

  local note
  -- the planner and synthesis load only for a spec without data
  if spec.data == nil then spec, note = require("agent").illustrate(spec) end
  local result, err = pipeline.render(spec, { scene = opts.scene ~= nil, note = note })
  if not result then
    local where = (opts.data and err.code == "invalid_data") and opts.data or path
    return fail(1, ("%s: %s"):format(where, err.message))
  end
  -- What a Vega-Lite spec asked that chartd does not draw: the image is still written.
  for _, w in ipairs(result.warnings or {}) do io.stderr:write("chartd render: warning: ", w, "\n") end
  local out = opts.json and (require("service").chart_message(result, { timings_ms = result.timings_ms,
    synthetic = note ~= nil, seed = note and result.spec.seed or nil }) .. "\n") or result.bytes
  local ok, werr = files.write_atomic(output, out)
  if not ok then return fail(1, ("cannot write %s: %s"):format(output, werr)) end
  if opts.scene then
    ok, werr = files.write_atomic(opts.scene, json.encode(result.scene) .. "\n")
    if not ok then return fail(1, ("cannot write %s: %s"):format(opts.scene, werr)) end
  end
  return 0
end

return M
