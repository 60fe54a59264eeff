-- `chartd render SPEC.json -o OUT [--data FILE] [--format F] [--theme T] [--width W] [--height H] [--scale S]
--   [--scene FILE]`
local args = require "commands.args"
local datafile = require "commands.datafile"
local files = require "util.files"
local json = require "util.json"
local pipeline = require "pipeline"

local M = {}

local USAGE = [=[
usage: chartd render SPEC.json -o OUT [--data FILE] [--format png|svg|pdf] [--theme NAME]
                     [--width PX] [--height PX] [--scale S] [--scene SCENE.json]
OUT "-" writes to stdout; the format comes from OUT's extension unless --format is given.
--data FILE replaces the spec's data: CSV, or JSON (an array of records, or an object
like a spec's "data": {"values": [...]} or {"columns": [...], "rows": [[...]]}).
--scene writes the scene description (what was drawn where, docs/protocol.md) as JSON.
]=]

local OPTIONS = { o = "output", output = "output", format = "format", theme = "theme",
  width = "width", height = "height", scale = "scale", scene = "scene", data = "data", d = "data" }

local function fail(code, message)
  io.stderr:write("chartd render: ", message, "\n")
  return code
end

function M.run(argv)
  local opts, positional = args.parse(argv, OPTIONS, { help = true, h = true })
  if not opts then return fail(2, positional .. "\n" .. USAGE) end
  if opts.help or opts.h then io.stdout:write(USAGE); return 0 end
  if #positional ~= 1 then return fail(2, "expected one SPEC.json\n" .. USAGE) end
  if not opts.output then return fail(2, "missing -o OUT\n" .. USAGE) end
  for _, key in ipairs { "width", "height", "scale" } do
    local ok, err = args.number(opts, key)
    if not ok then return fail(2, err) end
  end

  local path = positional[1]
  local text, rerr = files.read(path)
  if not text then return fail(1, rerr) end
  local spec, jerr = json.decode(text)
  if spec == nil then return fail(1, ("%s: %s"):format(path, jerr)) end
  if type(spec) ~= "table" then return fail(1, ("%s: a chart spec must be a JSON object"):format(path)) end

  if opts.data then
    local data, derr = datafile.read(opts.data)
    if not data then return fail(1, derr) end
    spec.data = data
  end

  local format = opts.format or opts.output:match("%.(%a+)$")
  if format then format = format:lower() end
  if opts.output == "-" and not format then format = spec.format or "png" end
  spec.format = format or spec.format
  spec.theme = opts.theme or spec.theme
  spec.width = opts.width or spec.width
  spec.height = opts.height or spec.height
  spec.scale = opts.scale or spec.scale

  local result, err = pipeline.render(spec, { scene = opts.scene ~= nil })
  if not result then
    local where = (opts.data and err.code == "invalid_data") and opts.data or path
    return fail(1, ("%s: %s"):format(where, err.message))
  end
  -- What a Vega-Lite spec asked that chartd does not draw: the image is still written.
  for _, w in ipairs(result.warnings or {}) do io.stderr:write("chartd render: warning: ", w, "\n") end
  local ok, werr = files.write_atomic(opts.output, result.bytes)
  if not ok then return fail(1, ("cannot write %s: %s"):format(opts.output, werr)) end
  if opts.scene then
    ok, werr = files.write_atomic(opts.scene, json.encode(result.scene) .. "\n")
    if not ok then return fail(1, ("cannot write %s: %s"):format(opts.scene, werr)) end
  end
  return 0
end

return M
