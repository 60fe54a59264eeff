-- Seeded random Vega-Lite specs (marks, channels, field definitions, transforms, odd values)
-- through the whole render: each one draws or is refused with a client error naming a path —
-- never an internal error, never a Lua error escaping.
local pipeline = require "pipeline"
local json = require "util.json"

local seed = 20261205
local function rnd(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end
local function pick(list) return list[rnd(#list)] end

local VALUES = {}
for i = 1, 40 do
  VALUES[i] = { cat = pick({ "a", "b", "c", "d" }), num = (i * 37) % 23 - 5, date = ("2024-%02d-%02d"):format(
    i % 12 + 1, i % 27 + 1), txt = pick({ "Jan 1 2000", "x", "", "2001/02/03" }), flag = i % 3 == 0,
    maybe = i % 4 == 0 and json.null or i }
end

local MARKS = { "bar", "line", "area", "point", "circle", "square", "tick", "rect", "arc", "boxplot", "trail",
  "rule", "text", "geoshape", { type = "bar", innerRadius = 3 }, { type = "arc", innerRadius = 20 },
  { type = "line", point = true, interpolate = "step" }, 7, json.null }
local FIELDS = { "cat", "num", "date", "txt", "flag", "maybe", "missing", "" }
local TYPES = { "quantitative", "temporal", "ordinal", "nominal", "q", "t", "o", "n", "geojson", 5 }
local AGGS = { "sum", "mean", "count", "distinct", "q1", "stdev", "argmax", "nonsense", { argmax = "num" } }
local UNITS = { "month", "yearmonth", "date", "day", "hours", "weekday", "nonsense", "utcyear" }
local CHANNELS = { "x", "y", "color", "size", "theta", "x2", "y2", "xOffset", "shape", "detail", "text",
  "tooltip", "row", "column", "opacity", "strokeDash", "radius", "order", "nonsense" }
local EXPRS = { "datum.num > 3", "year(datum.date) == 2024", "datum.cat + 'x'", "datum.num / 0", "(",
  "load('x')", "datum.maybe * 2", "indexof(['a'], datum.cat)", "datum['num'] % 0", "upper(datum.txt)",
  "!datum.flag ? 1 : 'y'", "datetime(2024, 13, 40)" }

local function field_def()
  local d = {}
  if rnd(8) > 1 then d.field = pick(FIELDS) end
  if rnd(3) == 1 then d.type = pick(TYPES) end
  if rnd(4) == 1 then d.aggregate = pick(AGGS) end
  if rnd(6) == 1 then d.timeUnit = pick(UNITS) end
  if rnd(6) == 1 then d.bin = pick({ true, { maxbins = 3 }, { step = 0 }, { step = 1e-9 }, "binned" }) end
  if rnd(6) == 1 then d.sort = pick({ "-y", "x", { field = "num", op = "sum" }, { "b", "a" }, 3 }) end
  if rnd(6) == 1 then d.stack = pick({ json.null, "normalize", "center", true, "zero", "odd" }) end
  if rnd(8) == 1 then
    d.scale = pick({ { type = "log" }, { domain = { 0, 1 } }, { scheme = "blues" }, 1, { scheme = "category20b" },
      { nice = 10 }, { range = "category" }, { domainMid = "x" }, { domain = { unionWith = { 1 } } },
      { scheme = { name = "viridis", extent = { 0, 1 } } }, { range = { "#f00", "#0f0" } }, { padding = 0.2 } })
  end
  if rnd(10) == 1 then d = { value = pick({ 1, "red", json.null }) } end
  if rnd(12) == 1 then d = { datum = pick({ 3, "a" }) } end
  return d
end

local function transform()
  local k = rnd(9)
  if k == 1 then return { filter = pick(EXPRS) } end
  if k == 2 then return { calculate = pick(EXPRS), as = pick({ "c", "num", "" }) } end
  if k == 3 then return { filter = { field = pick(FIELDS), pick({ "equal", "lt", "oneOf", "range", "valid" }) and
    "gt", gt = pick({ 1, "a", json.null }) } } end
  if k == 4 then return { fold = { "num", "maybe" } } end
  if k == 5 then return { aggregate = { { op = pick(AGGS), field = "num", as = "v" } }, groupby = { "cat" } } end
  if k == 6 then return { window = { { op = pick({ "rank", "sum", "lag" }), field = "num", as = "w" } },
    sort = { { field = "num" } } } end
  if k == 7 then return { bin = pick({ true, { step = 0 } }), field = "num", as = "b" } end
  if k == 8 then return { density = "num", groupby = { "cat" } } end
  return { timeUnit = pick(UNITS), field = "date", as = "tu" }
end

local function show(spec) return json.encode(spec) or "(spec)" end

describe("vegalite robustness", function()
  it("answers 400 random specs with a chart or a client error, never internal", function()
    local codes = {}
    for _ = 1, 400 do
      local spec = { data = { values = VALUES }, mark = pick(MARKS), encoding = {} }
      if rnd(3) > 1 then
        -- A sensible base (what most specs are), then odd channels on top.
        spec.mark = pick({ "bar", "line", "area", "point", "tick", "rect", "boxplot", "arc" })
        spec.encoding = { x = { field = pick({ "cat", "date", "num" }), type = pick({ "nominal", "temporal",
          "quantitative", "ordinal" }) }, y = { field = "num", type = "quantitative", aggregate = pick({ "sum",
          "mean", "q3", "distinct" }) }, theta = { field = "num", type = "quantitative" },
          color = rnd(2) == 1 and { field = pick({ "cat", "num", "maybe" }) } or nil }
        for _ = 1, rnd(2) - 1 do spec.encoding[pick(CHANNELS)] = field_def() end
      else
        for _ = 1, rnd(4) do spec.encoding[pick(CHANNELS)] = field_def() end
      end
      if rnd(3) == 1 then
        spec.transform = {}
        for i = 1, rnd(3) do spec.transform[i] = transform() end
      end
      if rnd(8) == 1 then spec.layer = { { mark = "bar" }, { mark = "rule", encoding = { y = field_def() } } } end
      if rnd(10) == 1 then spec.width = pick({ { step = 5 }, "container", -3, 1e9 }) end
      local ok, result, err = pcall(pipeline.render, spec)
      assert.is_true(ok, "raised: " .. tostring(result) .. "\n" .. show(spec))
      if not result then
        assert.are_not.equal("internal", err.code,
          tostring(err.message) .. " " .. tostring(err.detail) .. "\n" .. show(spec))
        codes[err.code] = (codes[err.code] or 0) + 1
      else
        codes.chart = (codes.chart or 0) + 1
      end
    end
    -- The generator reaches both outcomes.
    assert.is_true((codes.chart or 0) > 20, json.encode(codes))
    assert.is_true((codes.invalid_spec or 0) > 20, json.encode(codes))
  end)
end)
