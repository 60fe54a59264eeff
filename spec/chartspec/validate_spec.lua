-- Specs for chartspec.validate: defaults, normalized channels, and the exact
-- text of every kind of error, all collected and sorted by path.
local validate = require "chartspec.validate"
local json = require "util.json"

local function registry(mods)
  local by, names = {}, {}
  for _, m in ipairs(mods) do
    by[m.name] = m
    names[#names + 1] = m.name
  end
  table.sort(names)
  return {
    get = function(n) return by[n] end,
    names = function() return names end,
  }
end

local charts = registry({
  { name = "bar", encodings = { required = { "x", "y" }, optional = { "color" } },
    options = { stacked = "boolean", horizontal = "boolean", corner = "number", label = "string",
      mode = { "group", "stack" } } },
  { name = "pie", encodings = { required = { "theta" }, optional = { "color" } }, options = {} },
  { name = "box", encodings = { required = { "x", "y" }, optional = { "shape" } } },
})
local themes = registry({ { name = "light" }, { name = "dark" } })
local opts = { charts = charts, themes = themes }

local function data()
  return { columns = { "month", "revenue", "region" }, rows = {
    { "2024-01", 120.5, "EU" }, { "2024-02", 80, "US" }, { "2024-03", 95, "EU" } } }
end

local function bar(extra)
  local s = { type = "bar", data = data(), encoding = {
    x = { field = "month" }, y = { field = "revenue", aggregate = "sum" } } }
  for k, v in pairs(extra or {}) do s[k] = v end
  return s
end

local function messages(errs)
  local t = {}
  for i, e in ipairs(errs) do t[i] = e.message end
  return t
end

local function one(spec)
  local out, errs = validate.spec(spec, opts)
  assert.is_nil(out)
  assert.are.equal(1, #errs, table.concat(messages(errs), "\n"))
  return errs[1]
end

describe("chartspec.validate", function()
  it("fills defaults and normalizes channels", function()
    local s = assert(validate.spec(bar({ title = "Revenue" }), opts))
    assert.are.same({ "bar", "light", 800, 600, 1, "png", "Revenue" },
      { s.type, s.theme, s.width, s.height, s.scale, s.format, s.title })
    assert.are.same({}, s.options)
    assert.are.equal(3, s.data.nrows)
    assert.are.same({ field = "month", type = "temporal", title = "month" }, s.encoding.x)
    assert.are.same({ field = "revenue", type = "quantitative", aggregate = "sum", title = "Sum of revenue" },
      s.encoding.y)
  end)

  it("titles aggregates, counts, bins and time units", function()
    local s = assert(validate.spec({ type = "bar", data = data(), encoding = {
      x = { field = "month", timeUnit = "month" }, y = { aggregate = "count" },
      color = { field = "revenue", aggregate = "average" } } }, opts))
    assert.are.same({ aggregate = "count", type = "quantitative", title = "Count of records" }, s.encoding.y)
    assert.are.equal("Mean of revenue", s.encoding.color.title)
    assert.are.equal("mean", s.encoding.color.aggregate)
    assert.are.equal("month (month)", s.encoding.x.title)
    s = assert(validate.spec({ type = "bar", data = data(), encoding = {
      x = { field = "revenue", bin = true, title = "Revenue" },
      y = { aggregate = "count", field = "region" } } }, opts))
    assert.are.same({ field = "revenue", type = "quantitative", bin = { maxbins = 10 }, title = "Revenue" },
      s.encoding.x)
    assert.are.equal("Count of region", s.encoding.y.title)
  end)

  it("keeps valid options, sizes and output settings", function()
    local s = assert(validate.spec(bar({ width = 1024, height = 16, scale = 2, format = "svg", theme = "dark",
      options = { stacked = true, corner = 3, label = "x", mode = "stack" } }), opts))
    assert.are.same({ 1024, 16, 2, "svg", "dark" }, { s.width, s.height, s.scale, s.format, s.theme })
    assert.are.same({ stacked = true, corner = 3, label = "x", mode = "stack" }, s.options)
  end)

  it("reports an unknown top-level key with the allowed keys", function()
    local e = one(bar({ colour = "red" }))
    assert.are.equal("invalid_spec", e.code)
    assert.are.equal("colour", e.path)
    assert.are.equal('colour: unknown key "colour"; allowed keys are $schema, annotations, config, data, description, '
      .. "encoding, format, height, options, scale, seed, subtitle, theme, title, transform, type, width", e.message)
    assert.matches('^tilte: unknown key "tilte" %(did you mean "title"%?%); allowed keys are',
      one(bar({ tilte = "x" })).message)
  end)

  it("reports an unknown field with a suggestion", function()
    local s = bar()
    s.encoding.y.field = "revnue"
    local e = one(s)
    assert.are.equal("unknown_field", e.code)
    assert.are.equal("encoding.y.field", e.path)
    assert.are.equal('encoding.y.field: no column "revnue" (did you mean "revenue"?); '
      .. "columns are month, revenue, region",
      e.message)
    s.encoding.y.field = "profit"
    assert.are.equal('encoding.y.field: no column "profit"; columns are month, revenue, region', one(s).message)
  end)

  it("reports sizes, scale, format and titles out of range", function()
    assert.are.equal("width: must be an integer from 16 to 8192, got 10000", one(bar({ width = 10000 })).message)
    assert.are.equal("height: must be an integer from 16 to 8192, got 600.5", one(bar({ height = 600.5 })).message)
    assert.are.equal('width: must be an integer from 16 to 8192, got "800"', one(bar({ width = "800" })).message)
    assert.are.equal("scale: must be a number from 0.5 to 4, got 5", one(bar({ scale = 5 })).message)
    assert.are.equal('format: must be one of png, svg, pdf; got "jpg"', one(bar({ format = "jpg" })).message)
    assert.are.equal("title: must be at most 200 characters (got 201)", one(bar({ title = ("é"):rep(201) })).message)
    assert.are.equal("subtitle: must be a string, got 5", one(bar({ subtitle = 5 })).message)
  end)

  it("caps the pixels of a render (width x height x scale^2), naming the limit", function()
    local e = one(bar({ width = 8192, height = 8192, scale = 4 }))
    assert.are.equal("invalid_spec", e.code)
    assert.are.equal("width", e.path)
    assert.are.equal("width: width × height × scale² = 8192 × 8192 × 4² is 1,073,741,824 pixels, over the limit of "
      .. "16,777,216 (CHARTD_MAX_PIXELS); make the chart smaller or lower the scale", e.message)
    -- scale counts only for PNG; the cap itself passes
    assert.are.equal("width: width × height = 8192 × 4096 is 33,554,432 pixels, over the limit of 16,777,216 "
      .. "(CHARTD_MAX_PIXELS); make the chart smaller", one(bar({ width = 8192, height = 4096, format = "svg" })).message)
    assert.is_table((validate.spec(bar({ width = 4096, height = 4096 }))))
    assert.is_table((validate.spec(bar({ width = 2048, height = 2048, scale = 2 }))))
    assert.is_table((validate.spec(bar({ width = 4096, height = 4096, scale = 4, format = "svg" }))))
  end)

  it("reports a missing required encoding", function()
    local s = bar()
    s.encoding.y = nil
    local e = one(s)
    assert.are.equal("missing_encoding", e.code)
    assert.are.equal("encoding.y", e.path)
    assert.are.equal("encoding.y: the bar chart needs encoding.y; its channels are x, y (required) "
      .. "and color, column, row (optional)",
      e.message)
    e = one({ type = "pie", data = data() })
    assert.are.equal("encoding.theta: the pie chart needs encoding.theta; its channels are theta (required) and "
      .. "color, column, row (optional)", e.message)
  end)

  it("reports unknown chart types and themes listing what exists", function()
    local e = one(bar({ type = "bars" }))
    assert.are.equal("unknown_chart_type", e.code)
    assert.are.equal('type: unknown chart type "bars" (did you mean "bar"?); available types are bar, box, pie',
      e.message)
    e = one(bar({ theme = "neon" }))
    assert.are.equal("unknown_theme", e.code)
    assert.are.equal('theme: unknown theme "neon"; available themes are dark, light', e.message)
    assert.are.equal('theme: unknown theme "../light"; available themes are dark, light',
      one(bar({ theme = "../light" })).message)
    assert.are.equal("type: required; available types are bar, box, pie", one(bar({ type = json.null })).message)
  end)

  it("reports missing or bad data", function()
    local e = one(bar({ data = json.null }))
    assert.are.equal("invalid_data", e.code)
    assert.are.equal("data: no rows; give data.values, data.columns+rows, or a CSV string", e.message)
    e = one(bar({ data = { values = { { revenue = 1 }, { revenue = 2 }, { revenue = 3 }, { revenue = 0 / 0 } } } }))
    assert.are.equal("data.values[3].revenue: NaN is not allowed; use null for a missing value", e.message)
  end)

  it("checks channel keys and values", function()
    local s = bar()
    s.encoding.y = { field = "revenue", agregate = "sum" }
    assert.are.equal('encoding.y.agregate: unknown key "agregate" (did you mean "aggregate"?); allowed keys are '
      .. "aggregate, bin, field, format, scale, sort, timeUnit, title, type, value", one(s).message)
    s.encoding.y = { field = "revenue", aggregate = "total" }
    assert.are.equal('encoding.y.aggregate: must be one of sum, mean, average, median, min, max, count; got "total"',
      one(s).message)
    s.encoding.y = { field = "revenue", type = "quantitive" }
    assert.are.equal('encoding.y.type: must be one of quantitative, temporal, ordinal, nominal; got "quantitive" '
      .. '(did you mean "quantitative"?)', one(s).message)
    s.encoding.y = { field = "region", aggregate = "sum" }
    assert.are.equal('encoding.y.aggregate: "sum" needs a quantitative field; "region" is nominal '
      .. '(use "count", or another field)', one(s).message)
    s.encoding.y = { field = "revenue", bin = { maxbins = 500 } }
    assert.are.equal("encoding.y.bin.maxbins: must be an integer from 1 to 200, got 500", one(s).message)
    s.encoding.y = { field = "revenue", bin = { step = 0 } }
    assert.are.equal("encoding.y.bin.step: must be a number greater than 0, got 0", one(s).message)
    s.encoding.y = { field = "revenue", bin = { extent = "wide" } }
    assert.are.equal('encoding.y.bin.extent: must be two numbers [low, high] with low < high, got "wide"',
      one(s).message)
    s.encoding.y = { field = "revenue", bin = { extent = { 10, 5 } } }
    assert.are.equal("encoding.y.bin.extent", one(s).path)
    s.encoding.y = { field = "revenue", bin = { extent = { 0, 50 }, step = 10 } }
    assert.are.same({ extent = { 0, 50 }, step = 10 }, assert(validate.spec(s)).encoding.y.bin)
    s.encoding.y = { field = "revenue", timeUnit = "month" }
    assert.are.equal('encoding.y.timeUnit: a time unit needs a temporal field; "revenue" is quantitative',
      one(s).message)
    s.encoding.y = { field = "revenue", sort = "up" }
    assert.are.equal('encoding.y.sort: must be one of ascending, descending, x, -x, y, -y, null, or an array of '
      .. 'values in order; got "up"', one(s).message)
    s.encoding.y = { title = "x" }
    assert.are.equal('encoding.y.field: required unless "aggregate" is "count" or a constant "value" is given',
      one(s).message)
    s.encoding.y = "revenue"
    assert.are.equal('encoding.y: must be an object like {"field": "revenue", "type": "quantitative"}, got "revenue"',
      one(s).message)
  end)

  it("accepts channels a chart declares and refuses unknown ones", function()
    local s = { type = "box", data = data(), encoding = { x = { field = "region" }, y = { field = "revenue" },
      shape = { field = "region" } } }
    assert.is_table(validate.spec(s, opts))
    s = bar()
    s.encoding.colour = { field = "region" }
    assert.are.equal('encoding.colour: unknown channel "colour" (did you mean "color"?); channels are color, column, '
      .. "row, size, theta, x, y", one(s).message)
  end)

  it("forces a given type onto the column, and explains when it cannot", function()
    local s = bar()
    s.encoding.x = { field = "region", type = "ordinal" }
    s.encoding.color = { field = "month", type = "nominal" }
    local out = assert(validate.spec(s, opts))
    assert.are.same({ "2024-01", "2024-02", "2024-03" }, out.data.columns.month)
    assert.are.equal("nominal", out.data.types.month)
    s.encoding.x = { field = "region", type = "quantitative" }
    assert.are.equal('encoding.x.type: column "region" has the value "EU", which is not a number', one(s).message)
    s = bar()
    s.encoding.x = { field = "month", type = "nominal" }
    s.encoding.color = { field = "month", type = "temporal" }
    assert.are.equal('encoding.x.type: "nominal" conflicts with encoding.color.type "temporal" for column "month"',
      one(s).message)
  end)

  it("checks options against the chart's declaration", function()
    local e = one(bar({ options = { stackd = true } }))
    assert.are.equal("options.stackd", e.path)
    assert.are.equal('options.stackd: unknown option "stackd" (did you mean "stacked"?); the bar chart\'s options are '
      .. "corner, horizontal, label, mode, stacked", e.message)
    assert.are.equal('options.stacked: must be true or false, got "yes"',
      one(bar({ options = { stacked = "yes" } })).message)
    assert.are.equal('options.corner: must be a number, got "3"', one(bar({ options = { corner = "3" } })).message)
    assert.are.equal('options.mode: must be one of group, stack; got "pile"',
      one(bar({ options = { mode = "pile" } })).message)
    assert.are.equal('options.hole: unknown option "hole"; the pie chart has no options',
      one({ type = "pie", data = data(), encoding = { theta = { field = "revenue" } },
        options = { hole = 1 } }).message)
  end)

  it("collects all errors sorted by path", function()
    local s = bar({ width = 5, colour = 1, theme = "neon" })
    s.encoding.y.field = "revnue"
    s.encoding.x = nil
    local out, errs = validate.spec(s, opts)
    assert.is_nil(out)
    local paths = {}
    for i, e in ipairs(errs) do paths[i] = e.path end
    assert.are.same({ "colour", "encoding.x", "encoding.y.field", "theme", "width" }, paths)
    assert.are.same({ "invalid_spec", "missing_encoding", "unknown_field", "unknown_theme", "invalid_spec" },
      (function()
        local t = {}
        for i, e in ipairs(errs) do t[i] = e.code end
        return t
      end)())
  end)

  it("refuses a spec that is not an object", function()
    local out, errs = validate.spec("bar", opts)
    assert.is_nil(out)
    assert.are.equal('the spec must be a JSON object, got "bar"', errs[1].message)
    assert.are.equal("invalid_spec", errs[1].code)
  end)

  it("joins messages for a single reply", function()
    local _, errs = validate.spec(bar({ width = 5, scale = 9 }), opts)
    assert.are.equal("scale: must be a number from 0.5 to 4, got 9\nwidth: must be an integer from 16 to 8192, got 5",
      validate.message(errs))
  end)

  it("suggests only close names", function()
    assert.are.equal("revenue", validate.suggest("Revenue", { "month", "revenue" }))
    assert.is_nil(validate.suggest("x", { "y" }))
    assert.is_nil(validate.suggest("profit", { "month", "revenue" }))
  end)

  it("validates a spec decoded from JSON", function()
    local text = [[{"type":"bar","title":"Revenue by month","subtitle":"2024, EUR",
      "data":{"values":[{"month":"2024-01","revenue":120.5,"region":"EU"},
                        {"month":"2024-02","revenue":80,"region":"US"}]},
      "encoding":{"x":{"field":"month","type":"temporal","title":"Month"},
                  "y":{"field":"revenue","type":"quantitative","aggregate":"sum","sort":null},
                  "color":{"field":"region","type":"nominal"}},
      "options":{"stacked":true,"horizontal":false},
      "theme":"light","width":800.0,"height":600,"scale":1,"format":"png","annotations":[]}]]
    local s = assert(validate.spec(assert(json.decode(text)), opts))
    assert.are.equal("integer", math.type(s.width))
    assert.are.same({ field = "month", type = "temporal", title = "Month" }, s.encoding.x)
    assert.are.same({ stacked = true, horizontal = false }, s.options)
    assert.are.same({ 1704067200, 1706745600 }, s.data.columns.month)
  end)

  it("uses the real chart registry when none is given", function()
    local out, errs = validate.spec(bar({ type = "bars" }), { themes = themes })
    assert.is_nil(out)
    local names = require("charts").names()
    assert.are.equal('type: unknown chart type "bars" (did you mean "bar"?); available types are '
      .. table.concat(names, ", "), errs[1].message)
  end)

  it("turns a chart module that fails to load into an error", function()
    local broken = { get = function() error("charts/bar.lua:3: boom", 0) end,
      names = function() return { "bar" } end }
    local out, errs = validate.spec(bar(), { charts = broken, themes = themes })
    assert.is_nil(out)
    assert.are.equal('type: chart type "bar" cannot be loaded: charts/bar.lua:3: boom', errs[1].message)
  end)

  it("caps the distinct values of a nominal or ordinal field on a channel", function()
    local function many(n)
      local rows = {}
      for i = 1, n do rows[i] = { "c" .. i, i } end
      return { columns = { "cat", "v" }, rows = rows }
    end
    local s = { type = "bar", data = many(validate.MAX_CATEGORIES),
      encoding = { x = { field = "cat" }, y = { field = "v" } } }
    assert.is_truthy(validate.spec(s, opts))
    s.data = many(validate.MAX_CATEGORIES + 1)
    local out, errs = validate.spec(s, opts)
    assert.is_nil(out)
    assert.are.equal('encoding.x.field: "cat" has more than 1000 distinct nominal values, the limit'
      .. " for one channel; aggregate or filter the data first", errs[1].message)
    -- a quantitative field, or a count of categories, is not capped
    s.encoding = { x = { field = "cat", aggregate = "count" }, y = { field = "v" } }
    assert.is_truthy(validate.spec(s, opts))
    s.encoding = { x = { field = "v" }, y = { field = "v" }, color = { field = "cat", type = "ordinal" } }
    out, errs = validate.spec(s, opts)
    assert.is_nil(out)
    assert.are.equal("encoding.color.field", errs[1].path)
  end)

  it("knows the colour scheme names (Vega's) and refuses others by name", function()
    local s = bar()
    s.encoding.color = { field = "region", scale = { scheme = "viridis", domainMid = 0 } }
    assert.is_not_nil(validate.spec(s, opts))
    s.encoding.color.scale.scheme = "rainbowz"
    local e = one(s)
    assert.equal("encoding.color.scale.scheme", e.path)
    assert.matches('unknown scheme "rainbowz"; allowed .*redblue.*viridis', e.message)
  end)
end)
