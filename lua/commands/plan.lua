-- `chartd plan [--data FILE.csv] "REQUEST"`: prints the chart spec the offline planner makes, as JSON without the data.
local args = require "commands.args"
local files = require "util.files"
local json = require "util.json"
local frame = require "data.frame"
local offline = require "planner.offline"

local M = {}

local USAGE = [[
usage: chartd plan [--data FILE.csv] "REQUEST"
Prints the planned chart spec as JSON (the data values are left out). Without
--data the spec names the fields it needs under "needs".
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
    local text, rerr = files.read(opts.data)
    if not text then return fail(1, rerr) end
    local ferr
    df, ferr = frame.from_data(text, "data")
    if not df then return fail(1, ("%s: %s"):format(opts.data, ferr.message or tostring(ferr))) end
  end

  local spec, info = offline.plan(prompt, df)
  if not spec then return fail(1, type(info) == "table" and (info.message or info.code) or tostring(info)) end
  -- what the planner had to choose itself goes to stderr, the spec alone to stdout
  for _, note in ipairs(type(info) == "table" and info.notes or {}) do
    io.stderr:write("chartd plan: note: ", note, "\n")
  end
  io.stdout:write(json.encode(spec), "\n")
  return 0
end

return M
