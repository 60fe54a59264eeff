-- The defects the #18 visual review listed, each checked on what was drawn (the scene, the
-- layout) where no chart's own spec names it: a test per defect that fails if it returns.
local pipeline = require "pipeline"
local charts = require "charts"
local checks = require "quality.scene_checks"
local copy = require("util.tables").deep_copy

local function render(spec)
  return assert(pipeline.render(spec, { scene = true }))
end

local function texts(scene, role)
  local out = {}
  for _, it in ipairs(scene.items) do if it.kind == "text" and it.role == role then out[#out + 1] = it end end
  return out
end

describe("the #18 review's defects", function()
  it("bar labels and the alt text show one precision that tells the values apart", function()
    for _, vals in ipairs({ { 0.00012, 0.00015, 0.00047, 0.00031 }, { 0.052, 0.047, 0.06 }, { 52.46, 88.3, 61 } }) do
      local rows = {}
      for i, v in ipairs(vals) do rows[i] = { k = "k" .. i, v = v } end
      local r = render({ type = "bar", data = { values = rows },
      encoding = { x = { field = "k" }, y = { field = "v" } } })
      assert.same({}, checks.check(r.scene))
      local shown, decimals = {}, nil
      for _, l in ipairs(texts(r.scene, "data-label")) do
        shown[#shown + 1] = l.text
        local d = #(l.text:match("%.(%d+)") or "")
        assert.equal(decimals or d, d, "one precision: " .. l.text)
        decimals = d
      end
      assert.equal(#vals, #shown)
      -- the alt text quotes the highest and lowest as their labels read
      local hi, lo = 1, 1
      for i, v in ipairs(vals) do
        if v > vals[hi] then hi = i end
        if v < vals[lo] then lo = i end
      end
      assert.truthy(r.alt:find("(" .. shown[hi] .. ")", 1, true), r.alt .. " quotes " .. shown[hi])
      assert.truthy(r.alt:find("(" .. shown[lo] .. ")", 1, true), r.alt .. " quotes " .. shown[lo])
    end
  end)

  it("bar labels of whole numbers stay whole (a count reads 7, not 7.0), in the alt text too", function()
    local rows = { { k = "a", v = 1 }, { k = "b", v = 3 }, { k = "c", v = 7 }, { k = "d", v = -5 } }
    local r = render({ type = "bar", data = { values = rows },
      encoding = { x = { field = "k" }, y = { field = "v" } } })
    local shown = {}
    for _, l in ipairs(texts(r.scene, "data-label")) do shown[#shown + 1] = l.text end
    assert.same({ "1", "3", "7", "\u{2212}5" }, shown)
    assert.truthy(r.alt:find("(7)", 1, true) and r.alt:find("(-5)", 1, true), r.alt)
  end)

  it("40 horizontal bars with long names that differ at their end: every bar named at 800x600", function()
    local rows = {}
    for i = 1, 40 do
      rows[i] = { k = "Department of Regional Development, Planning and Infrastructure " .. i, v = i }
    end
    local r = render({ type = "bar", width = 800, height = 600, options = { horizontal = true },
      data = { values = rows }, encoding = { y = { field = "k", type = "nominal" }, x = { field = "v" } } })
    assert.same({}, checks.check(r.scene))
    local names = {}
    for _, t in ipairs(texts(r.scene, "tick-label")) do
      local n = t.text:match("(%d+)$")
      if t.text:find("Dep", 1, true) and n then names[#names + 1] = n end
    end
    assert.equal(40, #names) -- each keeps the number that tells it apart
    assert.equal(0, r.scene.thinned.y)
  end)

  it("six KPI names on a horizontal bar wrap to two lines where they fit instead of being cut", function()
    local rows = {}
    for i, k in ipairs({ "Net revenue retention rate", "Customer acquisition cost payback",
      "Monthly recurring revenue growth", "Gross margin after support costs", "Average contract value new logos",
      "Net promoter score enterprise" }) do rows[i] = { k = k, v = i * 10 } end
    for _, size in ipairs({ { 480, 320 }, { 800, 600 } }) do
      local r = render({ type = "bar", width = size[1], height = size[2], options = { horizontal = true },
        data = { values = rows }, encoding = { y = { field = "k", type = "nominal" }, x = { field = "v" } } })
      assert.same({}, checks.check(r.scene))
      local names = 0
      for _, t in ipairs(texts(r.scene, "tick-label")) do
        if not tonumber(t.text) then
          names = names + 1
          assert.is_nil(t.text:find("\u{2026}", 1, true), ("%dx%d: %s cut"):format(size[1], size[2], t.text))
        end
      end
      assert.equal(6, names)
    end
  end)

  it("a pie on a small canvas keeps a diameter of at least half the canvas's shorter side", function()
    for _, t in ipairs({ "pie", "donut" }) do
      for _, size in ipairs({ { 300, 200 }, { 480, 320 } }) do
        local s = copy(charts.get(t).sample)
        s.width, s.height = size[1], size[2]
        local x0, x1 = math.huge, -math.huge
        for _, it in ipairs(render(s).scene.items) do
          if it.kind == "mark" then x0, x1 = math.min(x0, it.x), math.max(x1, it.x + it.w) end
        end
        assert.is_true(x1 - x0 >= 0.5 * math.min(size[1], size[2]), ("%s %dx%d: %.0f px"):format(t, size[1], size[2],
          x1 - x0))
      end
    end
  end)

  it("a streamgraph's value axis reads as magnitude: no negative tick label", function()
    for _, size in ipairs({ { 480, 320 }, { 800, 600 } }) do
      local s = copy(charts.get("streamgraph").sample)
      s.width, s.height = size[1], size[2]
      local numbers, below = 0, 0
      for _, t in ipairs(texts(render(s).scene, "tick-label")) do
        if type(t.value) == "number" then
          numbers = numbers + 1
          if t.value < 0 then below = below + 1 end
          -- below the centre line too: the distance from it, never a negative stream
          assert.is_true(not t.text:find("\u{2212}") and not t.text:find("^%-"), t.text)
          assert.is_true(checks.reads_as(t.text, math.abs(t.value)), t.text)
        end
      end
      assert.is_true(numbers >= 2 and below >= 1, "ticks on both sides of the centre line")
    end
  end)

  it("a 15-day axis within one year names the year once and stays unrotated", function()
    local rows = {}
    for d = 1, 15 do rows[d] = { day = ("2024-01-%02d"):format(d + 7), v = d % 5 + 3 } end
    for _, size in ipairs({ { 300, 200 }, { 800, 600 }, { 1600, 400 } }) do
      local r = render({ type = "line", width = size[1], height = size[2], data = { values = rows },
        encoding = { x = { field = "day", type = "temporal" }, y = { field = "v" } } })
      local with_year, seen = 0, {}
      for _, t in ipairs(texts(r.scene, "tick-label")) do
        if t.value == nil or t.y > r.scene.plot.y + r.scene.plot.h then -- the date axis
          assert.equal(0, t.angle, t.text)
          assert.is_nil(seen[t.text], "repeated " .. t.text)
          seen[t.text] = true
          if t.text:find("2024", 1, true) then with_year = with_year + 1 end
        end
      end
      assert.is_true(next(seen) ~= nil)
      assert.is_true(with_year <= 1, "the year once")
    end
  end)

  it("the print theme fills every pie slice (and its legend swatch) its own way", function()
    for _, t in ipairs({ "pie", "donut" }) do
      local s = copy(charts.get(t).sample)
      local cat = require "charts.shared.catalogue"
      local lay = cat.layout(require("charts." .. t), cat.spec(t, s.data.values, s.encoding, s.options,
        { theme = "print" }))
      local seen, hatched = {}, 0
      for i, sl in ipairs(lay.slices) do
        if not sl.other then
          local p = sl.pattern or "solid" -- the first series is solid, the others hatched
          assert.is_nil(seen[p], "a fill shared by two slices: " .. p)
          seen[p] = true
          if sl.pattern then hatched = hatched + 1 end
          assert.equal(sl.pattern, lay.frame.legend.items[i].pattern, "the legend swatch as its slice")
        end
      end
      assert.is_true(hatched >= #lay.slices - 2)
    end
  end)

  it("slope labels dodged away from their dots are tied to them by leader lines", function()
    local slope = require "charts.slope"
    for _, size in ipairs({ { 480, 320 }, { 300, 200 } }) do
      local s = copy(slope.sample)
      s.width, s.height = size[1], size[2]
      local r = render(s)
      local cat = require "charts.shared.catalogue"
      local lay = cat.layout(slope, cat.spec("slope", s.data.values, s.encoding, nil, { width = size[1],
        height = size[2], title = s.title, subtitle = s.subtitle }))
      local moved = 0
      for _, l in ipairs(lay.lines) do
        if l.left and l.label_y0 and math.abs(l.label_y0 - l.y0) > slope.LEADER_MIN then moved = moved + 1 end
        if l.right and l.label_y1 and math.abs(l.label_y1 - l.y1) > slope.LEADER_MIN then moved = moved + 1 end
      end
      assert.is_true(moved > 0, "the sample crowds its labels at this size")
      local leaders = 0
      for _, it in ipairs(r.scene.items) do
        if it.kind == "mark" and it.role == "line" and it.points and #it.points == 2
            and it.w > 2 and it.w < slope.LABEL_GAP then
          leaders = leaders + 1
        end
      end
      assert.equal(moved, leaders)
    end
  end)
end)
