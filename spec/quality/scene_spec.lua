-- The visual quality bar, checked on scenes (spec/quality/scene_checks.lua) of every chart
-- type × theme × size × stress data (spec/quality/stress.lua). The full product is 34 types
-- × 5 themes × 4 sizes × 11 data sets (~7,500 renders, ~50 s here, 3x that under ASan), so
-- it is sampled deterministically: every type × size × data set in one theme (rotating
-- through the themes), plus every theme for the type's own sample; 100,000 rows once per
-- type. CHARTD_SCENE_FULL=1 runs the whole product.
local pipeline = require "pipeline"
local charts = require "charts"
local themes = require "themes"
local checks = require "quality.scene_checks"
local stress = require "quality.stress"
local copy = require("util.tables").deep_copy

local SIZES = { { 300, 200 }, { 480, 320 }, { 800, 600 }, { 1600, 400 } }
local FULL = os.getenv("CHARTD_SCENE_FULL") == "1"

describe("scene checks", function()
  describe("the checks themselves", function()
    local function text(role, str, x, y, w, h, value)
      return { kind = "text", role = role, text = str, x = x, y = y, w = w, h = h, angle = 0, value = value }
    end
    local function scene(items) return { width = 200, height = 100, items = items } end

    it("find overlapping, outside, ellipsis-only and unlabelled texts", function()
      local p = checks.check(scene {
        text("tick-label", "Jan", 10, 10, 20, 12), text("tick-label", "Feb", 25, 12, 20, 12),
        text("title", "Wide", 190, 0, 30, 12), text("tick-label", "J\u{2026}", 100, 50, 10, 12),
        text("unlabelled", "x", 150, 80, 5, 5),
      })
      assert.equal(4, #p)
      assert.matches("overlaps", p[4])
      assert.matches("outside the 200x100 canvas", p[1])
      assert.matches("only an ellipsis", p[2])
      assert.matches("role is not one of", p[3])
    end)

    it("judge rotated labels by their own boxes, not their bounds", function()
      local function rotated(cx)
        local a, w, h = -math.pi / 4, 40, 10
        local t = text("tick-label", "label", 0, 0, 0, 0)
        t.box = { cx = cx, cy = 50, w = w, h = h, angle = a }
        local ext = (w + h) * math.sin(math.pi / 4)
        t.x, t.y, t.w, t.h = cx - ext / 2, 50 - ext / 2, ext, ext
        return t
      end
      assert.same({}, checks.check(scene { rotated(50), rotated(66) }))
      assert.equal(1, #checks.check(scene { rotated(50), rotated(55) }))
    end)

    it("read labels back as numbers", function()
      assert.is_true(checks.reads_as("1,234", 1234.4))
      assert.is_false(checks.reads_as("1,234", 1234.6))
      assert.is_true(checks.reads_as("0.00012", 0.000123))
      assert.is_true(checks.reads_as("0", 0.00012)) -- within half a unit: the shared-text rule catches it
      assert.is_false(checks.reads_as("0.06", 0.052))
      assert.is_true(checks.reads_as("1.5M", 1520000))
      assert.is_false(checks.reads_as("2M", 1400000))
      assert.is_true(checks.reads_as("45%", 0.451))
      assert.is_true(checks.reads_as("45.1%", 45.1))
      assert.is_true(checks.reads_as("\u{2212}3.2k", -3210))
      assert.is_true(checks.reads_as("United Kingdom  13.9", 13.94))
      assert.is_true(checks.reads_as("13.9  India 2", 13.9))
      assert.is_true(checks.reads_as("1.234,5", 1234.5, { thousands = ".", decimal = "," }))
    end)

    it("find data labels that lie or that two values share", function()
      local p = checks.check(scene {
        text("data-label", "0.05", 10, 10, 20, 10, 0.052), text("data-label", "0.05", 40, 10, 20, 10, 0.047),
        text("data-label", "0.06", 70, 10, 20, 10, 0.052),
      })
      assert.equal(2, #p)
      assert.matches("same text for", p[1])
      assert.matches("does not read as its value", p[2])
    end)

    it("find a legend over a mark, by a line's drawn points", function()
      local legend = { kind = "legend", x = 100, y = 10, w = 50, h = 30 }
      local line = { kind = "mark", role = "line", x = 0, y = 0, w = 200, h = 100,
        points = { { 0, 90 }, { 200, 90 } } }
      assert.same({}, checks.check(scene { legend, line }))
      line.points[2] = { 200, 0 }
      assert.equal(1, #checks.check(scene { legend, line }))
      assert.equal(1, #checks.check(scene { legend, { kind = "mark", role = "bar", x = 120, y = 20, w = 5, h = 80 } }))
    end)

    it("find keys that crowd the plot", function()
      local s = scene { { kind = "legend", x = 150, y = 0, w = 50, h = 50 }, { kind = "legend", x = 150, y = 50, w = 50,
        h = 40 } }
      s.plot = { x = 0, y = 0, w = 100, h = 40 } -- 4,500 px² of keys over 4,000 of plot
      assert.matches("crowd the 100x40 plot", checks.check(s)[1])
      s.plot.h = 90
      assert.same({}, checks.check(s))
    end)
  end)

  -- A 320 px phone's page leaves a chart about 290 px (web/app.js sizes it to the screen):
  -- every type, on every data set, keeps its text at 10 px or more and on the canvas.
  it("every type at a 320 px phone's 290x220: text of 10 px and up, none off the canvas", function()
    local bad = {}
    for _, t in ipairs(charts.names()) do
      local sample = charts.get(t).sample
      local sets = { { "sample", sample } }
      for _, v in ipairs(stress.NAMES) do sets[#sets + 1] = { v, stress.VARIANTS[v](sample) } end
      for _, set in ipairs(sets) do
        local spec = set[2] and copy(set[2])
        if spec then
          spec.width, spec.height = 290, 220
          local r = pipeline.render(spec, { scene = true })
          for _, it in ipairs(r and r.scene.items or {}) do
            if it.kind == "text" and it.size < 10 then
              bad[#bad + 1] = ("%s/%s: %q %s px"):format(t, set[1], it.text, it.size)
            end
          end
          for _, m in ipairs(r and checks.check(r.scene) or {}) do
            if m:find("outside the", 1, true) then bad[#bad + 1] = ("%s/%s: %s"):format(t, set[1], m) end
          end
        end
      end
    end
    assert.same({}, bad)
  end)

  local theme_names = themes.names()
  for ti, t in ipairs(charts.names()) do
    it(t .. ": stress data at every size, in every theme", function()
      local sample = charts.get(t).sample
      local sets = { { "sample", sample } }
      for _, v in ipairs(stress.NAMES) do
        local s = stress.VARIANTS[v](sample)
        if s then sets[#sets + 1] = { v, s } end
      end
      local problems = {}
      local function run(name, spec, th, w, h)
        spec.theme, spec.width, spec.height = th, w, h
        local r, err = pipeline.render(spec, { scene = true })
        if not r then
          -- Data a type cannot draw (negative slices) is refused with a reason, never internal.
          assert(err.code ~= "internal", ("%s %s %s: %s"):format(t, name, th, err.message))
          return
        end
        for _, m in ipairs(checks.check(r.scene, { number = themes.get(th).number })) do
          problems[#problems + 1] = ("%s/%s/%dx%d: %s"):format(name, th, w, h, m)
        end
      end
      for si, sz in ipairs(SIZES) do
        for vi, set in ipairs(sets) do
          local one = (ti + 3 * si + vi) % #theme_names + 1 -- the theme this combination samples
          for thi, th in ipairs(theme_names) do
            if FULL or set[1] == "sample" or thi == one then run(set[1], copy(set[2]), th, sz[1], sz[2]) end
          end
        end
      end
      run("100k", stress.big(sample, 100000), theme_names[ti % #theme_names + 1], 800, 600)
      if #problems > 0 then -- no type is exempt: every problem fails it
        local shown = {}
        for i = 1, math.min(15, #problems) do shown[i] = problems[i] end
        error(("%d problems, first ones:\n%s"):format(#problems, table.concat(shown, "\n")), 0)
      end
    end)
  end
end)
