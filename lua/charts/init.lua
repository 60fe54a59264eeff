-- The registry of chart types: each name is a module lua/charts/<name>.lua.
local errors = require "util.errors"

local M = {}

-- Adding a chart type = adding its file and its name here. The list (not the folder)
-- decides what a client may ask for, so a request can never name an arbitrary module.
M.TYPES = { "bar", "line", "area", "scatter", "pie", "donut", "histogram", "heatmap", "box",
  "step", "streamgraph", "bubble", "violin", "density", "ecdf", "strip", "lollipop", "dumbbell", "slope",
  "hexbin", "candlestick", "waterfall",
  "radar", "rose", "funnel", "gauge", "bullet", "treemap", "sunburst", "sankey", "calendar", "parallel",
  "sparkline", "facet" }

-- The basic types drawn as small multiples when a spec has encoding.column/row (charts.facet
-- draws them). Kept here, not in charts.facet, so validating any chart does not load it.
M.FACETABLE = { "bar", "line", "area", "scatter", "histogram", "box", "pie", "donut", "heatmap" }

local known = {}
for _, name in ipairs(M.TYPES) do known[name] = true end

function M.names()
  local list = {}
  for _, name in ipairs(M.TYPES) do list[#list + 1] = name end
  table.sort(list)
  return list
end

-- Returns the chart module, or nil and an `unknown_chart_type` error listing the types.
function M.get(name)
  if type(name) ~= "string" or not known[name] then
    return nil, errors.new("unknown_chart_type", "type",
      ('unknown chart type "%s"; available types are %s'):format(tostring(name), table.concat(M.names(), ", ")))
  end
  return require("charts." .. name)
end

return M
