-- `chartd plan [--data FILE|-] "REQUEST"`: prints the chart spec the offline planner makes, as JSON without the data.
local args = require "commands.args"
local datafile = require "commands.datafile"
local json = require "util.json"
local frame = require "data.frame"
local offline = require "planner.offline"

local M = {}

local USAGE = [[
usage: chartd plan [--data FILE|-] "REQUEST"
Prints the spec the offline planner makes for REQUEST as JSON, without the data: draw it
with `chartd render - --data FILE -o OUT` (the same FILE). Without --data the spec names
what it needs under "needs", with the seed of the illustrative data a prompt would get:
`chartd plan "REQUEST" | chartd render - -o OUT` draws that. FILE: CSV or JSON (- is stdin).
`chartd ask` plans with the LLM when one is configured.
Exit codes: 0 printed, 1 the data or the request cannot be read, 2 usage.
]]

local OPTIONS = { data = "data", d = "data" }

local function fail(code, message)
  io.stderr:write("chartd plan: ", message, "\n")
  return code
end

function M.run(argv)
  local opts, positional = args.parse(argv, OPTIONS, { help = true, h = true })
  if not opts then return fail(2, positional .. "\n" .. USAGE) end
  if opts.help or opts.h then io.stdout:write(USAGE); return 0 end
  if #positional == 0 then return fail(2, "expected a REQUEST\n" .. USAGE) end
  local prompt = table.concat(positional, " ")

  local df
  if opts.data then
    local data, rerr = datafile.read(opts.data)
    if not data then return fail(1, rerr) end
    local ferr
    df, ferr = frame.from_data(data, "data")
    if not df then return fail(1, ("%s: %s"):format(opts.data, ferr.message or tostring(ferr))) end
  end

  local spec, info = offline.plan(prompt, df)
  if not spec then return fail(1, type(info) == "table" and (info.message or info.code) or tostring(info)) end
  -- what the planner had to choose itself goes to stderr, the spec alone to stdout
  for _, note in ipairs(type(info) == "table" and info.notes or {}) do
    io.stderr:write("chartd plan: note: ", note, "\n")
  end
  -- without data, the seed of the illustrative data a prompt would get: `chartd render -` draws it
  if spec.needs and spec.data == nil then spec.seed = require("synth").seed(nil, prompt) end
  io.stdout:write(json.encode(spec, { indent = 2 }), "\n")
  return 0
end

return M
