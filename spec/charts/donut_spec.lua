-- Tests for charts.donut: the pie's rules with a hole, the total in the
-- middle, labels inside the ring, and pixel checks on rendered images.
local donut = require "charts.donut"
local pie = require "charts.pie"
local fixture = require "charts.shared.fixture"
local themes = require "themes"

local TAU = 2 * math.pi
local BOX = { x = 0, y = 0, width = 600, height = 400 }
local ENC = { theta = { field = "v", type = "quantitative" }, color = { field = "k", type = "nominal" } }
local ROWS = { { k = "a", v = 1000 }, { k = "b", v = 3000 }, { k = "c", v = 250.5 } }

local function near(expected, actual, what)
  assert(math.abs(expected - actual) < 1e-9, ("%s: expected %.9f, got %.9f"):format(what or "value", expected, actual))
end

describe("charts.donut layout", function()
  local light = themes.get("light")

  it("is a pie with a hole", function()
    assert.equal("donut", donut.name)
    assert.same(pie.encodings, donut.encodings)
    local l = donut.layout(fixture.spec("donut", ROWS, ENC), light, BOX)
    near(0.58 * l.r, l.inner)
    near(-math.pi / 2, l.slices[1].a0)
    near(TAU * 1000 / 4250.5, l.slices[1].a1 - l.slices[1].a0)
  end)

  it("shows the total in the middle", function()
    local l = donut.layout(fixture.spec("donut", ROWS, ENC), light, BOX)
    assert.equal("4,250.5", l.center.text)
    assert.equal("Total", l.center.label)
  end)

  it("places inside labels in the ring", function()
    local l = donut.layout(fixture.spec("donut", ROWS, ENC), light, BOX)
    local p = l.slices[2].label_pos
    assert.is_true(p.inside)
    local d = math.sqrt((p.x - l.cx) ^ 2 + (p.y - l.cy) ^ 2)
    near((l.inner + l.r) / 2, d, "label on the ring's middle")
  end)

  it("rejects negative values like the pie", function()
    local ok, err = pcall(donut.layout, fixture.spec("donut", { { k = "a", v = -1 } }, ENC), light, BOX)
    assert.is_false(ok)
    assert.equal('encoding.theta.field: pie slices need values ≥ 0; the slice "a" has -1 in "v" '
      .. "(a bar chart shows negative values)", err.message)
  end)

  it("describes the data", function()
    local spec = fixture.spec("donut", ROWS, ENC)
    local l = donut.layout(spec, light, BOX)
    assert.equal("Donut chart of v by k across 3 slices (total 4,250.5); largest: b 70.6%, a 23.5%, c 5.9%.",
      donut.describe(spec, l))
  end)
end)

describe("charts.donut rendering", function()
  local pipeline = require "pipeline"
  local image = require "chartd.image"
  local function hex(r, g, b) return ("#%02x%02x%02x"):format(r, g, b) end

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("leaves the hole in the background colour and fills the ring (" .. theme_name .. ")", function()
      local theme = themes.for_size(themes.get(theme_name), BOX.width, BOX.height)
      local raw = { type = "donut", data = { values = ROWS }, encoding = ENC, theme = theme_name, width = 600,
        height = 400 }
      local img = assert(image.decode_png(assert(pipeline.render(raw)).bytes))
      local l = donut.layout(fixture.spec("donut", ROWS, ENC, nil, { theme = theme_name }), theme, BOX)
      -- inside the hole, left of the total's text
      assert.equal(theme.background:lower(), hex(img:pixel(math.floor(l.cx - l.inner + 4), math.floor(l.cy))))
      for _, s in ipairs(l.slices) do
        local am = (s.a0 + s.a1) / 2
        local rr = l.inner + (l.r - l.inner) * 0.85
        assert.equal(s.color:lower(), hex(img:pixel(math.floor(l.cx + rr * math.cos(am)),
          math.floor(l.cy + rr * math.sin(am)))))
      end
    end)
  end

  it("renders SVG and PDF", function()
    local raw = { type = "donut", data = { values = ROWS }, encoding = ENC, format = "svg" }
    assert.truthy(assert(pipeline.render(raw)).bytes:find("</svg>", 1, true))
    raw.format = "pdf"
    assert.equal("%PDF", assert(pipeline.render(raw)).bytes:sub(1, 4))
  end)
end)
