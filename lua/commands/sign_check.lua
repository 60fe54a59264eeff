-- `chartd sign`'s check before it signs (src/sign.c calls main with the query's decoded name,
-- value pairs): the chart the URL stands for is drawn once, as `chartd render` draws it, so a
-- signed URL put in an <img> or an e-mail never answers an error. Returns 0, or 1 with one line
-- on stderr naming what the server would refuse.
local chart_url = require "chart_url"
local agent = require "agent"
local pipeline = require "pipeline"

local M = {}

function M.main(...)
  local argv, query = { ... }, {}
  for i = 1, #argv, 2 do query[#query + 1] = { argv[i], argv[i + 1] } end
  local request, err = chart_url.request(query)
  if request then
    local spec = request.spec
    for _, k in ipairs(agent.OVERRIDES) do
      if request[k] ~= nil then spec[k] = request[k] end
    end
    local note
    spec, note = agent.illustrate(spec)
    local drawn
    drawn, err = pipeline.render(spec, { note = note })
    if drawn then return 0 end
  end
  io.stderr:write("chartd sign: not signed, the server would refuse this chart: ", err.message, "\n")
  return 1
end

return M
