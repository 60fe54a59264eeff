-- encoding.row / column / facet → chartd's facet chart (small multiples of the basic type).
local channels = require "vegalite.channels"

local M = {}

local CELL_TYPES = { bar = true, line = true, area = true, scatter = true, histogram = true, box = true,
  pie = true, donut = true, heatmap = true }

function M.apply(spec, defs, warn)
  if not CELL_TYPES[spec.type] then
    error(require("util.errors").new("invalid_spec", "encoding.row",
      ("small multiples of a %s chart are not supported"):format(spec.type)))
  end
  local options = spec.options or {}
  options.chart = spec.type
  spec.type = "facet"
  spec.options = options
  for _, ch in ipairs({ "row", "column" }) do
    if defs[ch] then spec.encoding[ch] = channels.to_chartd(defs[ch], "encoding." .. ch, warn, "header") end
  end
  if defs.facet then spec.encoding.column = channels.to_chartd(defs.facet, "encoding.facet", warn, "header") end
  for _, k in ipairs({ "horizontal", "points", "offset", "jitter", "normalize" }) do
    if options[k] ~= nil then
      warn("options." .. k, "not available inside small multiples; ignored")
      options[k] = nil
    end
  end
end

return M
