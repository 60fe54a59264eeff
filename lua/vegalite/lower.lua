-- Encoding-level data semantics chartd's chart types do not compute the way Vega-Lite does
-- become explicit transforms ahead of the chart, with Vega-Lite's field names: aggregates
-- other than sum/mean/median/min/max/count ("distinct_x", "q1_x", …), and on point marks
-- every aggregate, bin and time unit (a scatter draws rows as they are).
local ops = require "transforms.ops"
local channels = require "vegalite.channels"

local M = {}

local POINT_MARKS = { point = true, circle = true, square = true, tick = true }
local NATIVE_TIME_UNITS = { bar = true, line = true, trail = true, area = true, rect = true }

local AGG_TITLE = { count = "Count of Records", distinct = "Distinct of ", valid = "Valid of ",
  missing = "Missing of ", q1 = "Q1 of ", q3 = "Q3 of ", stdev = "Standard Deviation of ",
  variance = "Variance of ", product = "Product of ", stderr = "Standard Error of ", stdevp =
  "Population Standard Deviation of ", variancep = "Population Variance of ", mean = "Mean of ",
  sum = "Sum of ", median = "Median of ", min = "Min of ", max = "Max of " }

local function bin_name(def)
  local b = type(def.bin) == "table" and def.bin or {}
  if b.step then return ("bin_step_%s_%s"):format(tostring(b.step), def.field) end
  return ("bin_maxbins_%d_%s"):format(b.maxbins or 10, def.field)
end

-- M.encoding(markdef, defs, transforms): rewrites defs in place, appending transforms.
function M.encoding(markdef, defs, transforms)
  local mark = markdef.type
  local lower_all = POINT_MARKS[mark]
  -- Bar, line, area and heatmap floor dates to the channel's unit themselves; elsewhere (a
  -- streamgraph, a pie, a box) the floored dates come from a transform. Never both: a unit
  -- without the year is not idempotent (week 0 floors into December of the year before).
  local value = defs.y or defs.x
  local centred = value and value.stack == "center"
  local floors = NATIVE_TIME_UNITS[mark] and not (mark == "area" and centred)
  for _, def in pairs(defs) do
    if def.field and def.timeUnit and not lower_all then
      if not floors then
        local as = def.timeUnit .. "_" .. def.field
        transforms[#transforms + 1] = { timeUnit = def.timeUnit, field = def.field, as = as }
        def.title = def.title or (def.field .. " (" .. def.timeUnit .. ")")
        def.field = as
      end
      -- An ordinal time unit is still dates: chartd draws them as bands with the unit's labels.
      def.type = "temporal"
    end
  end
  local needs = false
  for _, def in pairs(defs) do
    if def.aggregate and not channels.NATIVE_AGGREGATES[def.aggregate] then needs = true end
    if lower_all and (def.aggregate or def.bin or def.timeUnit) then needs = true end
  end
  if not needs then return end
  -- Bins and time units first: the aggregate groups by their outputs.
  local groupby, measures = {}, {}
  local names = {}
  for name in pairs(defs) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    local def = defs[name]
    if def.field and def.bin and def.bin ~= "binned" then
      local as = bin_name(def)
      transforms[#transforms + 1] = { bin = def.bin, field = def.field, as = { as, as .. "_end" } }
      def.title = def.title or (def.field .. " (binned)")
      def.field, def.bin = as, nil
    elseif def.field and def.timeUnit then
      local as = def.timeUnit .. "_" .. def.field
      transforms[#transforms + 1] = { timeUnit = def.timeUnit, field = def.field, as = as }
      def.title = def.title or (def.field .. " (" .. def.timeUnit .. ")")
      def.field = as
    end
  end
  local any_aggregate = false
  for _, name in ipairs(names) do
    local def = defs[name]
    if def.aggregate then
      any_aggregate = true
      local as = ops.default_name(def.aggregate, def.field)
      measures[#measures + 1] = { op = def.aggregate, field = def.field, as = as }
      def.title = def.title or ((AGG_TITLE[def.aggregate] or (def.aggregate .. " of ")) ..
        (def.aggregate == "count" and "" or tostring(def.field)))
      def.field, def.aggregate, def.type = as, nil, "quantitative"
    elseif def.field and name ~= "tooltip" then
      local seen = false
      for _, g in ipairs(groupby) do if g == def.field then seen = true end end
      if not seen then groupby[#groupby + 1] = def.field end
    end
  end
  if any_aggregate then
    transforms[#transforms + 1] = { aggregate = measures, groupby = groupby }
  end
end

-- Vega-Lite leaves out rows whose continuous x or y is missing (mark.invalid "filter"):
-- a filter on those fields, unless the mark keeps them (invalid: null).
function M.invalid(markdef, defs, transforms)
  if markdef.invalid ~= nil and markdef.invalid ~= "filter" then return end
  local tests = {}
  for _, name in ipairs({ "x", "y" }) do
    local def = defs[name]
    if def and def.field and not def.aggregate and (def.type == "quantitative" or def.type == "temporal") then
      tests[#tests + 1] = { field = def.field, valid = true }
    end
  end
  if #tests > 0 then transforms[#transforms + 1] = { filter = { ["and"] = tests } } end
end

return M
