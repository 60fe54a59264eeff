-- `chartd ask "REQUEST" [--data FILE.csv] -o OUT`: plan (LLM when a key is set, else offline),
-- synthesize data when none is given, render, write the image: the server's path in one command.
local args = require "commands.args"
local files = require "util.files"

local M = {}

local USAGE = [[
usage: chartd ask "REQUEST" [--data FILE|-] -o OUT [--theme NAME] [--format png|svg|pdf]
                  [--width PX] [--height PX] [--seed N]
Plans a chart for REQUEST and draws it. Without --data the data is synthesized (seeded by
--seed, else by the request's text) and the image is marked "illustrative data". The
planner is the one `chartd serve` would use, from the environment and .env: the LLM
(LLM_BASE_URL, LLM_MODEL) when OPENAI_API_KEY is set (or LLM_PROVIDER=openai), else offline
rules. OUT "-" writes to stdout; the format comes from OUT's extension unless --format is given.
FILE: CSV or JSON (- is stdin).
Exit codes: 0 written, 1 the request, the data, the LLM or the output failed (one line on
stderr), 2 usage or configuration.
]]

local OPTIONS = { o = "output", output = "output", data = "data", d = "data", format = "format", theme = "theme",
  width = "width", height = "height", seed = "seed" }

local function fail(code, message)
  io.stderr:write("chartd ask: ", (tostring(message):gsub("\n", " ")), "\n")
  return code
end

-- The configuration `chartd serve` would use (src/main.c publishes it: .env, LLM_PROVIDER,
-- LLM_BASE_URL, LLM_MODEL, ...): the same planner, model and server.
local function cli_config()
  local ok, cfg = pcall(require, "chartd.config")
  return ok and type(cfg) == "table" and cfg or {}
end

function M.run(argv)
  local opts, positional = args.parse(argv, OPTIONS, { help = true, h = true })
  if not opts then return fail(2, positional) end
  if opts.help or opts.h then io.stdout:write(USAGE); return 0 end
  if #positional == 0 then return fail(2, "expected a REQUEST (see chartd ask --help)") end
  if not opts.output then return fail(2, "missing -o OUT (see chartd ask --help)") end
  for _, key in ipairs { "width", "height", "seed" } do
    local ok, err = args.number(opts, key)
    if not ok then return fail(2, err) end
  end
  if opts.seed ~= nil and math.type(opts.seed) ~= "integer" then return fail(2, "--seed: must be an integer") end

  local request = { prompt = table.concat(positional, " "), theme = opts.theme, width = opts.width,
    height = opts.height, seed = opts.seed }
  if opts.data then
    local data, rerr = require("commands.datafile").read(opts.data)
    if not data then return fail(1, rerr) end
    request.data = data
  end
  local format = opts.format or opts.output:match("%.(%a+)$")
  request.format = format and format:lower() or (opts.output == "-" and "png" or nil)

  local spec, info = require("agent").plan(request, { config = cli_config() })
  if not spec then
    local where = opts.data and info.code == "invalid_data" and (opts.data .. ": ") or ""
    return fail(1, where .. info.message)
  end
  local result, err = require("pipeline").render(spec, { note = info.synthetic and require("agent").NOTE or nil })
  if not result then return fail(1, err.message) end
  local ok, werr = files.write_atomic(opts.output, result.bytes)
  if not ok then return fail(1, ("cannot write %s: %s"):format(opts.output, werr)) end
  if info.fallback_reason then io.stderr:write("chartd ask: planned offline: ", info.fallback_reason, "\n") end
  return 0
end

return M
