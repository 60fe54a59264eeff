-- Tests for charts.pie: slice values and angles, percentages, "Other"
-- grouping, bad data, label placement and pixel checks on rendered images.
local pie = require "charts.pie"
local fixture = require "charts.shared.fixture"
local themes = require "themes"

local TAU = 2 * math.pi
local TOP = -math.pi / 2
local BOX = { x = 0, y = 0, width = 600, height = 400 }
local ENC = { theta = { field = "v", type = "quantitative" }, color = { field = "k", type = "nominal" } }

local function near(expected, actual, what)
  assert(math.abs(expected - actual) < 1e-9, ("%s: expected %.9f, got %.9f"):format(what or "value", expected, actual))
end

local function spec_of(values, enc, options, extra)
  return fixture.spec("pie", values, enc or ENC, options, extra)
end

describe("charts.pie slices", function()
  it("sums theta per category in data order", function()
    local rows = { { k = "b", v = 1 }, { k = "a", v = 2 }, { k = "b", v = 3 }, { k = "c", v = 4 } }
    local list, total = pie.slices(spec_of(rows))
    assert.equal(10, total)
    assert.same({ "b", "a", "c" }, { list[1].label, list[2].label, list[3].label })
    assert.same({ 4, 2, 4 }, { list[1].value, list[2].value, list[3].value })
  end)

  it("sorts by value with theta.sort", function()
    local rows = { { k = "a", v = 1 }, { k = "b", v = 3 }, { k = "c", v = 2 } }
    local enc = { theta = { field = "v", type = "quantitative", sort = "descending" }, color = ENC.color }
    local list = pie.slices(spec_of(rows, enc))
    assert.same({ "b", "c", "a" }, { list[1].label, list[2].label, list[3].label })
  end)

  it("groups all but the 7 largest of 10 categories into a last 'Other' slice", function()
    local rows = {}
    for i = 1, 10 do rows[i] = { k = "c" .. i, v = i } end -- c1..c3 are the smallest
    local list, total = pie.slices(spec_of(rows))
    assert.equal(8, #list)
    assert.equal(55, total)
    assert.equal("c4", list[1].label) -- data order kept for the kept slices
    assert.equal("Other", list[8].label)
    assert.equal(1 + 2 + 3, list[8].value)
    assert.equal(3, list[8].count)
  end)

  it("keeps exactly 8 categories as they are", function()
    local rows = {}
    for i = 1, 8 do rows[i] = { k = "c" .. i, v = i } end
    local list = pie.slices(spec_of(rows))
    assert.equal(8, #list)
    assert.equal("c1", list[1].label)
  end)

  it("rejects a negative slice naming it, after aggregation", function()
    local rows = { { k = "a", v = 1 }, { k = "b", v = 2 }, { k = "c", v = -5 } }
    local ok, err = pcall(pie.slices, spec_of(rows))
    assert.is_false(ok)
    assert.equal("invalid_data", err.code)
    assert.equal('encoding.theta.field: pie slices need values ≥ 0; the slice "c" has -5 in "v" '
      .. "(a bar chart shows negative values)", err.message)
    -- a loss in one row of a profitable slice is fine: the slice is what is drawn
    rows[4] = { k = "c", v = 9 }
    local list = pie.slices(spec_of(rows))
    assert.equal(4, list[3].value)
  end)

  it("formats percentages", function()
    assert.equal("50%", pie.percent_text(0.5))
    assert.equal("33%", pie.percent_text(1 / 3))
    assert.equal("4.2%", pie.percent_text(0.042))
    assert.equal("5%", pie.percent_text(0.05))
    assert.equal("<0.1%", pie.percent_text(0.0004))
    assert.equal("0%", pie.percent_text(0))
  end)
end)

describe("charts.pie layout", function()
  local light = themes.get("light")

  it("starts at 12 o'clock, runs clockwise, angles proportional to values and summing to 2π", function()
    local rows = { { k = "a", v = 1 }, { k = "b", v = 2 }, { k = "c", v = 5 } }
    local l = pie.layout(spec_of(rows), light, BOX)
    local s = l.slices
    near(TOP, s[1].a0, "first slice starts at the top")
    near(TOP + TAU / 8, s[1].a1)
    near(s[1].a1, s[2].a0)
    near(TOP + TAU * 3 / 8, s[2].a1)
    near(TOP + TAU, s[3].a1, "last slice ends at the top")
    local sum = 0
    for _, x in ipairs(s) do sum = sum + (x.a1 - x.a0) end
    near(TAU, sum, "angles sum")
    assert.same({ "13%", "25%", "63%" }, { s[1].percent, s[2].percent, s[3].percent })
    assert.equal(0, l.inner)
  end)

  it("puts labels inside big slices and outside thin ones, never overlapping", function()
    local rows = { { k = "big", v = 90 } }
    for i = 1, 5 do rows[#rows + 1] = { k = "t" .. i, v = 2 } end
    local l = pie.layout(spec_of(rows), light, BOX)
    assert.is_true(l.slices[1].label_pos.inside)
    local outside = {}
    for i = 2, 6 do
      local p = l.slices[i].label_pos
      assert.is_false(p.inside)
      assert.is_true(math.sqrt((p.x - l.cx) ^ 2 + (p.y - l.cy) ^ 2) > l.r)
      outside[#outside + 1] = p
    end
    table.sort(outside, function(a, b) return a.y < b.y end)
    for i = 2, #outside do
      if outside[i].align == outside[i - 1].align then
        assert.is_true(outside[i].y - outside[i - 1].y >= l.label_height - 1e-9)
      end
    end
  end)

  it("gives an empty pie with a No data note when every value is zero", function()
    local l = pie.layout(spec_of({ { k = "a", v = 0 }, { k = "b", v = 0 } }), light, BOX)
    assert.equal("No data", l.note)
    assert.equal(0, #l.slices)
  end)

  it("draws one full circle for one row", function()
    local l = pie.layout(spec_of({ { k = "a", v = 7 } }), light, BOX)
    near(TAU, l.slices[1].a1 - l.slices[1].a0)
    assert.equal("100%", l.slices[1].percent)
  end)

  it("describes the data", function()
    local spec = fixture.spec("pie", pie.sample.data.values, pie.sample.encoding)
    local l = pie.layout(spec, light, BOX)
    assert.equal("Pie chart of Share (%) by Browser across 6 slices (total 100); "
      .. "largest: Chrome 65.4%, Edge 13.1%, Safari 9.2%.", pie.describe(spec, l))
  end)
end)

describe("charts.pie rendering", function()
  local pipeline = require "pipeline"
  local image = require "chartd.image"
  local function hex(r, g, b) return ("#%02x%02x%02x"):format(r, g, b) end
  local rows = { { k = "a", v = 1 }, { k = "b", v = 2 }, { k = "c", v = 5 } }

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("paints each slice inside its angle (" .. theme_name .. ")", function()
      local theme = themes.for_size(themes.get(theme_name), BOX.width, BOX.height)
      local raw = { type = "pie", data = { values = rows }, encoding = ENC, theme = theme_name, width = 600,
        height = 400 }
      local img = assert(image.decode_png(assert(pipeline.render(raw)).bytes))
      assert.equal(theme.background:lower(), hex(img:pixel(1, 1)))
      local l = pie.layout(spec_of(rows, nil, nil, { theme = theme_name, width = 600, height = 400 }), theme, BOX)
      for _, s in ipairs(l.slices) do
        -- A point at 85% of the radius, on the slice's middle angle (away from its label).
        local am = (s.a0 + s.a1) / 2
        local x = math.floor(l.cx + 0.85 * l.r * math.cos(am))
        local y = math.floor(l.cy + 0.85 * l.r * math.sin(am))
        assert.equal(s.color:lower(), hex(img:pixel(x, y)))
      end
      -- Just outside the rim at 3 o'clock is background again.
      assert.equal(theme.background:lower(), hex(img:pixel(math.floor(l.cx + l.r + 3), math.floor(l.cy - 20))))
    end)
  end

  it("renders SVG and PDF", function()
    local raw = { type = "pie", data = { values = rows }, encoding = ENC, format = "svg" }
    assert.truthy(assert(pipeline.render(raw)).bytes:find("</svg>", 1, true))
    raw.format = "pdf"
    assert.equal("%PDF", assert(pipeline.render(raw)).bytes:sub(1, 4))
  end)
end)
