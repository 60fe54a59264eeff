-- A JSON Schema (draft 2020-12, as a Lua table) of the chart spec, for the LLM
-- planner's structured output. Built from chartspec.validate's own lists so
-- the schema and the validator cannot drift apart.
local json = require "util.json"
local validate = require "chartspec.validate"

local M = {}

local function enum(list)
  local t = json.array({})
  for i, v in ipairs(list) do t[i] = v end
  return t
end

local function channel()
  return {
    type = "object",
    additionalProperties = false,
    properties = {
      field = { type = "string", description = "a column name of the data" },
      type = { enum = enum(validate.TYPES) },
      aggregate = { enum = enum(validate.AGGREGATES) },
      bin = { anyOf = json.array({
        { type = "boolean" },
        { type = "object", additionalProperties = false, properties = {
          maxbins = { type = "integer", minimum = 1, maximum = 200 },
          step = { type = "number", exclusiveMinimum = 0 } } },
      }) },
      timeUnit = { enum = enum(validate.TIME_UNITS) },
      sort = { anyOf = json.array({
        { enum = enum(validate.SORTS) }, { type = "null" },
        { type = "array", items = { type = json.array({ "string", "number" }) } },
      }) },
      title = { type = "string", maxLength = 200 },
      format = { type = "string", maxLength = 64 },
      value = { type = json.array({ "string", "number", "boolean" }) },
      scale = { type = "object", additionalProperties = false, properties = {
        type = { enum = enum(validate.SCALE_TYPES) },
        domain = { type = "array", minItems = 1 },
        range = {},
        zero = { type = "boolean" }, nice = { type = "boolean" }, reverse = { type = "boolean" },
        scheme = { type = "string" },
      } },
    },
  }
end

-- schema.spec([chart_names [, theme_names]]) → the schema table (encode it
-- with util.json). Without names, "type" and "theme" are plain strings.
function M.spec(chart_names, theme_names)
  local channels = {}
  for _, c in ipairs(validate.CHANNELS) do channels[c] = channel() end
  local record = { type = "object",
    additionalProperties = { type = json.array({ "string", "number", "boolean", "null" }) } }
  return {
    ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
    title = "chartd chart spec",
    type = "object",
    additionalProperties = false,
    required = json.array({ "type", "data", "encoding" }),
    properties = {
      ["$schema"] = { type = "string" },
      type = chart_names and { enum = enum(chart_names) } or { type = "string" },
      title = { type = "string", maxLength = 200 },
      subtitle = { type = "string", maxLength = 200 },
      description = { type = "string", maxLength = 2000 },
      data = { anyOf = json.array({
        { type = "string", description = "CSV text, first row is the header" },
        { type = "object", required = json.array({ "values" }), properties = {
          values = { type = "array", minItems = 1, items = record } } },
        { type = "object", required = json.array({ "columns", "rows" }), properties = {
          columns = { type = "array", minItems = 1, items = { type = "string" } },
          rows = { type = "array", minItems = 1, items = { type = "array" } } } },
        { type = "object", required = json.array({ "csv" }), properties = { csv = { type = "string" } } },
      }) },
      encoding = { type = "object", properties = channels },
      options = { type = "object", description = "chart-type options, e.g. {\"stacked\": true}" },
      theme = theme_names and { enum = enum(theme_names) } or { type = "string" },
      width = { type = "integer", minimum = 16, maximum = 8192 },
      height = { type = "integer", minimum = 16, maximum = 8192 },
      scale = { type = "number", minimum = 0.5, maximum = 4 },
      format = { enum = enum(validate.FORMATS) },
      annotations = { type = "array" },
      config = { type = "object", description = "theme changes by Vega-Lite's names: axis/axisX/axisY {grid, "
        .. "labelAngle}, legend {orient: right|top|bottom|none}, mark/bar/line/point/area {color, strokeWidth, size}, "
        .. "range {category: [colours]}, background, font" },
      transform = { type = "array", description = "Vega-Lite transforms (filter, calculate, fold, aggregate, ...) "
        .. "and chartd's {\"top\": n, \"groupby\": [F], \"field\": F, \"op\": \"sum\"}" },
      seed = { type = "integer" },
    },
  }
end

return M
