-- Step line: a line chart whose value holds until the next x (stock levels,
-- prices, rates that change at moments). Built on charts.line: same series,
-- axes and drawing; only the runs get their corners (line.step_runs).
local line = require "charts.line"
local describe = require "charts.shared.describe"

local M = {
  name = "step",
  mark = "line", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = { "color" } },
  -- step: where the jump sits between two x values (Vega-Lite's step-after,
  -- step, step-before).
  options = { points = "boolean", step = { "after", "mid", "before" } },
}

M.sample = {
  type = "step",
  title = "Central bank policy rates",
  subtitle = "Percent, at each decision date",
  data = { values = {
    { date = "2022-01-01", rate = 0.25, bank = "Fed" }, { date = "2022-03-17", rate = 0.50, bank = "Fed" },
    { date = "2022-05-05", rate = 1.00, bank = "Fed" }, { date = "2022-06-16", rate = 1.75, bank = "Fed" },
    { date = "2022-07-28", rate = 2.50, bank = "Fed" }, { date = "2022-09-22", rate = 3.25, bank = "Fed" },
    { date = "2022-11-03", rate = 4.00, bank = "Fed" }, { date = "2022-12-15", rate = 4.50, bank = "Fed" },
    { date = "2023-02-02", rate = 4.75, bank = "Fed" }, { date = "2023-03-23", rate = 5.00, bank = "Fed" },
    { date = "2023-05-04", rate = 5.25, bank = "Fed" }, { date = "2023-07-27", rate = 5.50, bank = "Fed" },
    { date = "2023-12-31", rate = 5.50, bank = "Fed" },
    { date = "2022-01-01", rate = 0.00, bank = "ECB" }, { date = "2022-07-27", rate = 0.50, bank = "ECB" },
    { date = "2022-09-14", rate = 1.25, bank = "ECB" }, { date = "2022-11-02", rate = 2.00, bank = "ECB" },
    { date = "2022-12-21", rate = 2.50, bank = "ECB" }, { date = "2023-02-08", rate = 3.00, bank = "ECB" },
    { date = "2023-03-22", rate = 3.50, bank = "ECB" }, { date = "2023-05-10", rate = 3.75, bank = "ECB" },
    { date = "2023-06-21", rate = 4.00, bank = "ECB" }, { date = "2023-08-02", rate = 4.25, bank = "ECB" },
    { date = "2023-09-20", rate = 4.50, bank = "ECB" }, { date = "2023-12-31", rate = 4.50, bank = "ECB" },
  } },
  encoding = {
    x = { field = "date", type = "temporal", title = "Decision date" },
    y = { field = "rate", type = "quantitative", title = "Policy rate (%)" },
    color = { field = "bank", type = "nominal", title = "Central bank" },
  },
  options = { points = false },
}

function M.layout(spec, theme, box)
  return line.layout(spec, theme, box, { step = (spec.options or {}).step or "after" })
end

M.draw = line.draw

function M.describe(spec, layout)
  local text = describe.sentence("Step line", spec, layout.model)
  local trend = describe.trend(spec, layout.model)
  if trend then text = text .. " " .. trend end
  return text
end

return M
