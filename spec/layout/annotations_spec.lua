-- Specs for annotations: validation messages, geometry on known frames
-- (linear, band, time axes), the non-cartesian error, and a rendered rule.
local annotations = require "layout.annotations"
local frame = require "layout.frame"
local pipeline = require "pipeline"
local validate = require "chartspec.validate"
local charts = require "charts"
local themes = require "themes"
local image = require "chartd.image"

local THEME = {
  name = "test", background = "#ffffff", foreground = "#222222", muted = "#666666", grid = "#dddddd",
  font = "DejaVu Sans",
  font_sizes = { title = 18, subtitle = 13, axis_title = 12, tick = 11, legend = 11, label = 10, note = 10 },
  palette = { "#4e79a7" }, padding = 16, number = { thousands = ",", decimal = "." },
}
local BOX = { x = 0, y = 0, width = 800, height = 600 }

local function bar_frame()
  return frame.layout({}, THEME, BOX, { x = { scale_kind = "band", domain = { "a", "b", "c", "d" } },
    y = { domain = { 0, 200 } } })
end

local function bar_spec(notes, extra)
  local s = { type = "bar", width = 400, height = 300, format = "png",
    data = { values = { { k = "a", v = 50 }, { k = "b", v = 150 }, { k = "c", v = 200 } } },
    encoding = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" } },
    annotations = notes }
  for k, v in pairs(extra or {}) do s[k] = v end
  return s
end

local function messages(input)
  local spec, errs = validate.spec(input)
  assert.is_nil(spec)
  local out = {}
  for i, e in ipairs(errs) do out[i] = e.message end
  return out
end

describe("annotations validation", function()
  it("names the path and the allowed types", function()
    assert.same({ 'annotations[1].type: must be one of rule, band, text, got "line"' },
      messages(bar_spec { { type = "rule", y = 1 }, { type = "line", y = 2 } }))
  end)
  it("rejects missing coordinates, bad values, unknown keys and too many items", function()
    assert.same({ 'annotations[0]: a band needs "x" and "x2" (a vertical band) or "y" and "y2" (a horizontal band)' },
      messages(bar_spec { { type = "band", x = "a" } }))
    assert.same({ "annotations[0].y: must be a number or a category/date string, got true" },
      messages(bar_spec { { type = "rule", y = true } }))
    assert.same({ "annotations[0].dash: must be true or false, got \"yes\"" },
      messages(bar_spec { { type = "rule", y = 1, dash = "yes" } }))
    assert.same({ 'annotations[0].size: unknown key "size"; allowed keys are color, dash, text, type, x, x2, y, y2' },
      messages(bar_spec { { type = "text", x = "a", y = 1, text = "hi", size = 3 } }))
    assert.same({ 'annotations[0].color: invalid colour "rouge": expected #rgb, #rrggbb, #rrggbbaa or a CSS colour name' },
      messages(bar_spec { { type = "rule", y = 1, color = "rouge" } }))
    local many = {}
    for i = 1, 51 do many[i] = { type = "rule", y = i } end
    assert.same({ "annotations: must have at most 50 items, got 51" }, messages(bar_spec(many)))
  end)
  it("keeps a valid list", function()
    local spec = assert(validate.spec(bar_spec { { type = "rule", y = 100, dash = true } }))
    assert.same({ { type = "rule", y = 100, dash = true } }, spec.annotations)
  end)
end)

describe("annotations layout", function()
  it("puts a rule at y = 100 at the y scale's pixel (mid-plot for 0..200)", function()
    local f = bar_frame()
    local g = annotations.layout({ { type = "rule", y = 100, text = "target" } }, f, THEME)
    assert.equal(1, #g)
    assert.equal(f.plot.y + f.plot.height / 2, g[1].y1)
    assert.equal(g[1].y1, g[1].y2)
    assert.equal(f.plot.x, g[1].x1)
    assert.equal(f.plot.x + f.plot.width, g[1].x2)
    assert.equal("target", g[1].label.text)
  end)
  it("spans a band between two categories over both bands, in either order", function()
    local f = bar_frame()
    local s = f.x.scale
    for _, pair in ipairs { { "b", "c" }, { "c", "b" } } do
      local g = annotations.layout({ { type = "band", x = pair[1], x2 = pair[2] } }, f, THEME)[1]
      assert.equal(s:map("b"), g.x)
      assert.equal(s:map("c") + s:bandwidth() - s:map("b"), g.width)
      assert.equal(f.plot.y, g.y)
      assert.equal(f.plot.height, g.height)
    end
  end)
  it("places a temporal rule from a date string like the data's dates", function()
    local jan = require("data.frame").parse_date("2024-01-01")
    local mar = require("data.frame").parse_date("2024-03-01")
    local f = frame.layout({}, THEME, BOX, { x = { scale_kind = "time", domain = { jan, mar } },
      y = { domain = { 0, 10 } } })
    local feb = require("data.frame").parse_date("2024-02-01")
    local g = annotations.layout({ { type = "rule", x = "2024-02-01" } }, f, THEME)[1]
    assert.equal(f.x.scale:map(feb), g.x1)
    assert.is_true(g.x1 > f.plot.x and g.x1 < f.plot.x + f.plot.width)
  end)
  it("names an unknown category and the axis' categories", function()
    local ok, e = pcall(annotations.layout, { { type = "rule", x = "z" } }, bar_frame(), THEME)
    assert.is_false(ok)
    assert.equal('annotations[0].x: "z" is not a category on the x axis; categories are a, b, c, d', e.message)
  end)
  it("drops a rule outside the plot", function()
    assert.same({}, annotations.layout({ { type = "rule", y = 500 } }, bar_frame(), THEME))
  end)
end)

describe("annotations in the pipeline", function()
  it("draws a red rule at the value's pixel row", function()
    local input = bar_spec { { type = "rule", y = 100, color = "#ff0000" } }
    local r = assert(pipeline.render(input))
    local img = assert(image.decode_png(r.bytes))
    local spec = assert(validate.spec(input))
    local theme = themes.for_size(assert(themes.get(spec.theme)), 400, 300)
    local layout = charts.get("bar").layout(spec, theme, { x = 0, y = 0, width = 400, height = 300 })
    local g = annotations.for_chart(spec, layout, theme).geometry[1]
    local x = math.floor(layout.frame.plot.x + 3)
    local rows = {}
    for y = 0, img.height - 1 do
      local red, gr, b = img:pixel(x, y)
      if red > 200 and gr < 90 and b < 90 then rows[#rows + 1] = y end
    end
    assert.is_true(#rows >= 1 and #rows <= 3)
    assert.is_true(math.abs(rows[1] - g.y1) <= 1)
  end)
  it("refuses annotations on a chart without axes, naming the type", function()
    local r, e = pipeline.render { type = "pie", data = { values = { { k = "a", v = 1 }, { k = "b", v = 2 } } },
      encoding = { theta = { field = "v" }, color = { field = "k" } },
      annotations = { { type = "rule", y = 1 } } }
    assert.is_nil(r)
    assert.equal("invalid_spec", e.code)
    assert.equal('annotations: a pie chart has no x and y axes to place annotations on; remove "annotations" '
      .. "or use a chart type with axes such as bar, line, area or scatter", e.message)
  end)
end)
