-- Tests for charts.sankey: columns, conservation of flow at every node,
-- cycles and negative flows, pixels in light and dark.
local sankey = require "charts.sankey"
local cat = require "charts.shared.catalogue"

local ENC = { source = { field = "s" }, target = { field = "t" }, value = { field = "v" } }
local ROWS = { { s = "A", t = "B", v = 10 }, { s = "A", t = "C", v = 5 }, { s = "B", t = "D", v = 6 },
  { s = "B", t = "E", v = 4 }, { s = "C", t = "D", v = 5 }, { s = "A", t = "B", v = 2 } }

local function by_name(l)
  local out = {}
  for _, n in ipairs(l.nodes) do out[n.name] = n end
  return out
end

describe("charts.sankey layout", function()
  local l = cat.layout(sankey, cat.spec("sankey", ROWS, ENC))
  local n = by_name(l)

  it("puts nodes in columns by their longest path from a source", function()
    assert.same({ 0, 1, 1, 2, 2 }, { n.A.column, n.B.column, n.C.column, n.D.column, n.E.column })
    assert.equal(3, l.columns)
    assert.is_true(n.A.x < n.B.x and n.B.x < n.D.x)
    assert.equal(n.B.x, n.C.x)
  end)

  it("sums repeated flows and conserves totals at every node", function()
    local ab
    for _, e in ipairs(n.A.outs) do if e.target == n.B then ab = e end end
    assert.equal(12, ab.value)
    assert.same({ 17, 0 }, { n.A.value_out, n.A.value_in })
    assert.same({ 12, 10 }, { n.B.value_in, n.B.value_out })
    for _, node in ipairs(l.nodes) do
      local tin, tout = 0, 0
      for _, e in ipairs(node.ins) do tin = tin + e.width end
      for _, e in ipairs(node.outs) do tout = tout + e.value * l.scale end
      cat.near(node.value_in * l.scale, tin, 1e-9, node.name .. " in")
      cat.near(node.value_out * l.scale, tout, 1e-9, node.name .. " out")
      cat.near(math.max(tin, tout), node.height, 1e-9, node.name .. " height")
      -- Flows leave and enter inside the node's edge.
      for _, e in ipairs(node.outs) do
        assert.is_true(e.y0 - e.width / 2 >= node.y - 1e-9 and e.y0 + e.width / 2 <= node.y + node.height + 1e-9)
      end
    end
  end)

  it("fills the plot height with the fullest column", function()
    local p = l.frame.plot
    local col1 = n.B.height + n.C.height + sankey.NODE_GAP
    assert.is_true(col1 <= p.height + 1e-9)
    local col0 = n.A.height
    cat.near(p.height, math.max(col0, col1, n.D.height + n.E.height + sankey.NODE_GAP), 1e-9)
  end)

  it("orders a column so that flows do not cross", function()
    -- First seen: A, B, C on the left and X, Y on the right, so C → X would cross B → Y.
    local rows = { { s = "A", t = "X", v = 4 }, { s = "B", t = "Y", v = 3 }, { s = "C", t = "X", v = 2 } }
    local m = cat.layout(sankey, cat.spec("sankey", rows, ENC))
    for i, a in ipairs(m.links) do
      for j = i + 1, #m.links do
        local b = m.links[j]
        assert.is_true((a.y0 - b.y0) * (a.y1 - b.y1) >= 0, a.source.name .. "→" .. a.target.name .. " crosses "
          .. b.source.name .. "→" .. b.target.name)
      end
    end
  end)

  it("describes the flows", function()
    local spec = cat.spec("sankey", ROWS, ENC)
    assert.equal("Sankey diagram of v: 5 flows between 5 nodes in 3 columns, 17 leaving the sources. "
      .. "Largest flows: A → B (12), B → D (6), A → C (5).", sankey.describe(spec, cat.layout(sankey, spec)))
  end)
end)

describe("charts.sankey bad input", function()
  it("rejects a cycle", function()
    local rows = { { s = "A", t = "B", v = 1 }, { s = "B", t = "C", v = 1 }, { s = "C", t = "A", v = 1 } }
    local err = cat.error({ type = "sankey", data = { values = rows }, encoding = ENC })
    assert.equal("invalid_data", err.code)
    assert.truthy(err.message:find("the flows form a cycle through", 1, true))
  end)

  it("rejects a negative flow naming the row", function()
    local err = cat.error({ type = "sankey", data = { values = { { s = "A", t = "B", v = -1 } } }, encoding = ENC })
    assert.equal('encoding.value.field: sankey flows need values ≥ 0; row 1 has -1 in "v"', err.message)
  end)

  it("names a missing encoding", function()
    local err = cat.error({ type = "sankey", data = { values = ROWS }, encoding = { source = ENC.source,
      value = ENC.value } })
    assert.equal("missing_encoding", err.code)
    assert.truthy(err.message:find("encoding.target:", 1, true))
  end)

  it("draws a single flow", function()
    local l = cat.layout(sankey, cat.spec("sankey", { { s = "A", t = "B", v = 3 } }, ENC))
    assert.equal(2, #l.nodes)
    cat.near(l.frame.plot.height, l.nodes[1].height)
  end)

  it("handles 100,000 rows", function()
    local rows = cat.rows(100000, function(i) return { s = "s" .. (i % 5), t = "t" .. (i % 7), v = 1 } end)
    local img = cat.render({ type = "sankey", data = { values = rows }, encoding = ENC })
    assert.equal(800, img.width)
  end)
end)

describe("charts.sankey rendering", function()
  for _, theme_name in ipairs({ "light", "dark" }) do
    it("paints nodes in their colours (" .. theme_name .. ")", function()
      local img = cat.render({ type = "sankey", data = { values = ROWS }, encoding = ENC, theme = theme_name,
        width = 600, height = 400 })
      local l = cat.layout(sankey, cat.spec("sankey", ROWS, ENC, nil, { theme = theme_name }))
      for _, node in ipairs(l.nodes) do
        assert.equal(node.color, img:hex(node.x + node.width / 2, node.y + node.height / 2))
      end
      assert.equal(require("themes").get(theme_name).background, img:hex(1, 1))
    end)
  end
end)
