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
  -- The facet chart takes the cell type and stacking; what else the cell asked is dropped,
  -- with a word when it changes the picture (labels off, no points: nothing to say).
  local keys = {}
  for k in pairs(options) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    if k ~= "chart" and k ~= "stacked" then
      local v = options[k]
      if v ~= false and v ~= 0 then warn("mark", ("%s is not available inside small multiples; ignored"):format(k)) end
      options[k] = nil
    end
  end
end

return M
