-- `chartd sign`'s check before it signs (src/sign.c calls main with the query's decoded name,
-- value pairs): the chart the URL stands for is planned and drawn once the way the server draws
-- a chart URL (lua/service.lua: agent.plan, then pipeline.render), so a signed URL put
-- in an <img> or an e-mail never answers an error. Returns 0, or 1 with one line on stderr
-- naming what the server would refuse.
local chart_url = require "chart_url"
local agent = require "agent"
local pipeline = require "pipeline"

local M = {}

local function refused(err)
  io.stderr:write("chartd sign: not signed, the server would refuse this chart: ", err.message, "\n")
  return 1
end

function M.main(...)
  local argv, query = { ... }, {}
  for i = 1, #argv, 2 do query[#query + 1] = { argv[i], argv[i + 1] } end
  local request, err = chart_url.request(query)
  if not request then return refused(err) end
  local ok, cfg = pcall(require, "chartd.config")
  cfg = ok and cfg or {}
  local spec, info = agent.plan(request, { config = cfg })
  if not spec then return refused(info) end
  local result
  result, err = pipeline.render(spec, { note = info.synthetic and agent.NOTE or nil })
  return result and 0 or refused(err)
end

return M
