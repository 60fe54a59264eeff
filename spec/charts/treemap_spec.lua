-- Tests for charts.treemap: squarified tiling (areas proportional, exact
-- cover, no overlap), grouping, bad input, pixels in light and dark.
local treemap = require "charts.treemap"
local cat = require "charts.shared.catalogue"

local ENC = { text = { field = "k" }, size = { field = "v" } }

local function rows_of(vs)
  local out = {}
  for i, v in ipairs(vs) do out[i] = { k = "c" .. i, v = v } end
  return out
end

local function check_tiling(leaves, box, total)
  local area = 0
  for _, l in ipairs(leaves) do
    area = area + l.width * l.height
    assert.is_true(l.x >= box.x - 1e-6 and l.y >= box.y - 1e-6)
    assert.is_true(l.x + l.width <= box.x + box.width + 1e-6 and l.y + l.height <= box.y + box.height + 1e-6)
    -- proportional within 0.5 %
    local want = box.width * box.height * l.value / total
    assert.is_true(math.abs(l.width * l.height - want) <= 0.005 * want,
      ("%s: area %.3f, want %.3f"):format(l.label, l.width * l.height, want))
  end
  cat.near(box.width * box.height, area, 1e-6, "leaves cover the box")
  for i = 1, #leaves do
    for j = i + 1, #leaves do
      local a, b = leaves[i], leaves[j]
      local ox = math.min(a.x + a.width, b.x + b.width) - math.max(a.x, b.x)
      local oy = math.min(a.y + a.height, b.y + b.height) - math.max(a.y, b.y)
      assert.is_false(ox > 1e-6 and oy > 1e-6, a.label .. " overlaps " .. b.label)
    end
  end
end

describe("charts.treemap squarify", function()
  it("tiles Bruls et al.'s example exactly, areas proportional", function()
    local items = {}
    for i, v in ipairs({ 6, 6, 4, 3, 2, 2, 1 }) do items[i] = { value = v, label = tostring(i) } end
    local box = { x = 0, y = 0, width = 6, height = 4 }
    treemap.squarify(items, box)
    check_tiling(items, box, 24)
    -- The paper's first row: the two 6s side by side in a 3-wide column of the 6×4 box.
    cat.near(0, items[1].x); cat.near(3, items[1].width); cat.near(2, items[1].height)
    cat.near(2, items[2].y); cat.near(3, items[2].width)
  end)
end)

describe("charts.treemap layout", function()
  it("makes every leaf's area proportional to its value and tiles the plot", function()
    local spec = cat.spec("treemap", rows_of({ 50, 30, 12, 7, 5, 3, 2, 1 }), ENC)
    local l = cat.layout(treemap, spec)
    assert.equal(8, #l.leaves)
    check_tiling(l.leaves, l.frame.plot, 110)
  end)

  it("tiles groups, then leaves inside each group", function()
    local rows = { { g = "A", k = "a1", v = 40 }, { g = "A", k = "a2", v = 20 }, { g = "B", k = "b1", v = 25 },
      { g = "B", k = "b2", v = 10 }, { g = "B", k = "b3", v = 5 } }
    local spec = cat.spec("treemap", rows, { text = { field = "k" }, size = { field = "v" }, color = { field = "g" } })
    local l = cat.layout(treemap, spec)
    assert.same({ "A", "B" }, { l.groups[1].label, l.groups[2].label })
    check_tiling(l.leaves, l.frame.plot, 100)
    for _, g in ipairs(l.groups) do check_tiling(g.leaves, g, g.value) end
    assert.equal(l.groups[1].color, l.leaves[1].color)
    assert.equal("Treemap of v by k: 5 rectangles in 2 groups, total 100; largest: a1 40 (40%), b1 25 (25%), "
      .. "a2 20 (20%).", treemap.describe(spec, l))
  end)

  it("fills the plot with one row", function()
    local l = cat.layout(treemap, cat.spec("treemap", rows_of({ 7 }), ENC))
    local p = l.frame.plot
    assert.same({ p.x, p.y, p.width, p.height }, { l.leaves[1].x, l.leaves[1].y, l.leaves[1].width,
      l.leaves[1].height })
  end)

  it("rejects a negative value naming the row", function()
    local err = cat.error({ type = "treemap", data = { values = rows_of({ 3, -2 }) }, encoding = ENC })
    assert.equal("invalid_data", err.code)
    assert.equal('encoding.size.field: treemap rectangles need values ≥ 0; row 2 has -2 in "v"', err.message)
  end)

  it("names a missing encoding", function()
    local err = cat.error({ type = "treemap", data = { values = rows_of({ 3 }) },
      encoding = { text = { field = "k" } } })
    assert.equal("missing_encoding", err.code)
    assert.truthy(err.message:find("encoding.size: the treemap chart needs encoding.size", 1, true))
  end)

  it("lays out 100,000 rows", function()
    local rows = cat.rows(100000, function(i) return { k = "k" .. (i % 400), v = i % 13 + 1 } end)
    local img = cat.render({ type = "treemap", data = { values = rows }, encoding = ENC })
    assert.equal(800, img.width)
  end)
end)

describe("charts.treemap rendering", function()
  local rows = rows_of({ 50, 30, 20 })
  for _, theme_name in ipairs({ "light", "dark" }) do
    it("paints each rectangle in its colour (" .. theme_name .. ")", function()
      local raw = { type = "treemap", data = { values = rows }, encoding = ENC, theme = theme_name, width = 600,
        height = 400 }
      local img = cat.render(raw)
      local spec = cat.spec("treemap", rows, ENC, nil, { theme = theme_name })
      local l = cat.layout(treemap, spec)
      assert.equal(require("themes").get(theme_name).background, img:hex(1, 1))
      for _, leaf in ipairs(l.leaves) do
        -- The lower-right quarter: clear of the label in the top-left corner.
        assert.equal(leaf.color, img:hex(leaf.x + leaf.width * 0.75, leaf.y + leaf.height * 0.75))
      end
    end)
  end

  it("renders SVG and PDF", function()
    local raw = { type = "treemap", data = { values = rows }, encoding = ENC, format = "svg" }
    local _, r = pcall(require("pipeline").render, raw)
    assert.truthy(r.bytes:find("</svg>", 1, true))
    raw.format = "pdf"
    assert.equal("%PDF", require("pipeline").render(raw).bytes:sub(1, 4))
  end)
end)
