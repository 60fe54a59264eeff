local json = require "util.json"
local vegalite = require "vegalite"
local pipeline = require "pipeline"

local VALUES = { { a = "A", b = 28, c = "x" }, { a = "B", b = 55, c = "y" }, { a = "A", b = 3, c = "y" } }

describe("vegalite", function()
  it("translates a mark + encoding, stacking a coloured bar as Vega-Lite does", function()
    local spec, warnings = vegalite.translate({ data = { values = VALUES }, mark = "bar",
      encoding = { x = { field = "a" }, y = { field = "b", type = "quantitative" }, color = { field = "c" } } })
    assert.equal("bar", spec.type)
    assert.is_true(spec.options.stacked)
    assert.equal("nominal", spec.encoding.x.type)
    assert.same({}, warnings)
  end)

  it("draws a bar whose discrete axis is y horizontally, and an arc with a hole as a donut", function()
    local spec = vegalite.translate({ data = { values = VALUES }, mark = "bar",
      encoding = { y = { field = "a" }, x = { field = "b", aggregate = "sum" } } })
    assert.is_true(spec.options.horizontal)
    assert.equal("a", spec.encoding.x.field)
    spec = vegalite.translate({ data = { values = VALUES }, mark = { type = "arc", innerRadius = 40 },
      encoding = { theta = { field = "b", type = "quantitative" }, color = { field = "a" } } })
    assert.equal("donut", spec.type)
  end)

  it("sizes a {\"step\": n} axis by its bands, and honours mark.orient where the channels leave it open", function()
    local spec = vegalite.translate({ data = { values = VALUES }, mark = "bar", width = { step = 40 },
      height = { step = 10 }, encoding = { x = { field = "a" }, y = { field = "b", type = "quantitative" } } })
    assert.equal(2 * 40 + 180, spec.width) -- two bands, A and B, plus chartd's chrome
    assert.is_nil(spec.height) -- the value axis has no bands: the default height
    spec = vegalite.translate({ data = { values = VALUES }, mark = { type = "bar", orient = "horizontal" },
      encoding = { x = { field = "b", type = "quantitative" }, y = { field = "b", type = "quantitative" } } })
    assert.is_true(spec.options.horizontal)
  end)

  it("draws a unit without the year as named bands: days of the week, months of the year", function()
    local series = require "charts.shared.series"
    local axes = require "charts.shared.axes"
    local validate = require "chartspec.validate"
    local values = {}
    for d = 1, 14 do values[d] = { t = ("2024-01-%02d"):format(d), v = d } end
    local spec = assert(validate.spec(vegalite.translate({ data = { values = values }, mark = "line",
      encoding = { x = { field = "t", timeUnit = "day", type = "temporal" },
        y = { field = "v", aggregate = "sum" } } })))
    local model = series.build(spec, {})
    assert.equal("band", model.x_kind)
    -- 2024-01-01 was a Monday; every weekday twice, summed: Mon = 1 + 8.
    assert.same({ "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" }, axes.key_labels(model, spec))
    assert.same({ 7 + 14, 1 + 8, 2 + 9, 3 + 10, 4 + 11, 5 + 12, 6 + 13 }, model.series[1].values)
  end)

  it("colours categories with config.range.category when the channel has no colours of its own", function()
    local result = assert(pipeline.render({ data = { values = VALUES }, mark = "bar", format = "svg",
      config = { range = { category = { "#1b9e77", "#d95f02" } } },
      encoding = { x = { field = "a" }, y = { field = "b", type = "quantitative" }, color = { field = "c" } } }))
    assert.truthy(result.bytes:find("rgb(10.588235%,61.960784%,46.666667%)", 1, true)) -- #1b9e77
    assert.truthy(result.bytes:find("rgb(85.098039%,37.254902%,0.784314%)", 1, true)) -- #d95f02
    assert.same({}, result.warnings)
  end)

  it("lists what it does not draw in warnings and renders anyway", function()
    local result = assert(pipeline.render({ data = { values = VALUES }, mark = { type = "bar", cornerRadius = 4 },
      config = { axis = { domainColor = "red" } }, encoding = { x = { field = "a", axis = { tickCount = 3 } },
      y = { field = "b", type = "quantitative" } } }))
    local text = table.concat(result.warnings, "\n")
    assert.matches("mark.cornerRadius", text)
    assert.matches("config.axis.domainColor", text)
    assert.matches("encoding.x.axis.tickCount", text)
  end)

  it("draws the config and guide keys chartd has as its own config, and names the values it cannot draw", function()
    local spec, warnings = vegalite.translate({ data = { values = VALUES }, mark = "bar", background = "#202020",
      config = { axis = { grid = false }, mark = { color = "#ff0000" }, font = "DejaVu Serif",
        legend = { orient = "top-left" } },
      encoding = { x = { field = "a", axis = { labelAngle = -45 } },
        y = { field = "b", type = "quantitative", axis = { grid = true } },
        color = { field = "c", legend = json.null } } })
    assert.same({ axis = { grid = false }, axisX = { labelAngle = -45 }, axisY = { grid = true },
      mark = { color = "#ff0000" }, font = "DejaVu Serif", background = "#202020",
      legend = { disable = true } }, spec.config)
    local text = table.concat(warnings, "\n")
    assert.matches("config.legend.orient", text, 1, true)
    assert.matches("right, top, bottom, none", text, 1, true)
    -- and the drawing follows: the single mark colour and the background
    local result = assert(pipeline.render({ data = { values = VALUES }, mark = "bar", format = "svg",
      background = "#202020", config = { mark = { color = "#ff0000" } },
      encoding = { x = { field = "a" }, y = { field = "b", type = "quantitative" } } }))
    assert.truthy(result.bytes:find("rgb(100%,0%,0%)", 1, true))
    assert.truthy(result.bytes:find("rgb(12.54902%,12.54902%,12.54902%)", 1, true))
  end)

  it("names unsupported composition in an error", function()
    local _, err = pipeline.render({ hconcat = { { mark = "bar" } } })
    assert.equal("invalid_spec", err.code)
    assert.matches("concatenated views are not supported", err.message)
  end)

  it("reads data.url only inside the data folder", function()
    local data = require "vegalite.data"
    local old = data.data_dir
    data.data_dir = function() return "/tmp/chartd-no-such-dir" end
    for _, url in ipairs({ "../etc/passwd", "a/../../b.csv", "/etc/passwd", "https://example.com/x.csv",
      "file:///etc/passwd", "//host/x", "a\\..\\b" }) do
      local ok, err = pcall(data.resolve, url, "data.url")
      assert.is_false(ok, url)
      assert.equal("invalid_data", err.code, url)
    end
    assert.equal("/tmp/chartd-no-such-dir/data/cars.json", data.resolve("data/cars.json", "data.url"))
    data.data_dir = function() return nil end
    local ok, err = pcall(data.resolve, "cars.json", "data.url")
    assert.is_false(ok)
    assert.matches("CHARTD_DATA_DIR", err.message)
    data.data_dir = old
  end)

  it("runs transforms before the chart: filter, calculate, fold", function()
    local result = assert(pipeline.render({ data = { values = VALUES }, mark = "bar",
      transform = { { filter = "datum.b > 5" }, { calculate = "datum.b * 2", as = "b2" } },
      encoding = { x = { field = "a" }, y = { field = "b2", type = "quantitative" } } }))
    assert.same({ { "A", 56 }, { "B", 110 } }, result.data_summary.rows)
  end)
end)
