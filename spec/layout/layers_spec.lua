-- Tests for layout.layers: weighted crossing counts and barycentre ordering of columns.
local layers = require "layout.layers"

-- cols from lists of names per column; links from { "a", "b", value } triples.
local function graph(columns, edges)
  local nodes, cols, links = {}, {}, {}
  for c, names in ipairs(columns) do
    cols[c] = {}
    for i, name in ipairs(names) do
      local n = { name = name, column = c - 1, ins = {}, outs = {} }
      nodes[name], cols[c][i] = n, n
    end
  end
  for i, e in ipairs(edges) do
    local l = { source = nodes[e[1]], target = nodes[e[2]], value = e[3] }
    links[i] = l
    l.source.outs[#l.source.outs + 1] = l
    l.target.ins[#l.target.ins + 1] = l
  end
  return cols, links
end

local function names(col)
  local out = {}
  for i, n in ipairs(col) do out[i] = n.name end
  return out
end

local function places(cols)
  local pos = {}
  for _, col in ipairs(cols) do for i, n in ipairs(col) do pos[n] = i end end
  return pos
end

describe("layout.layers", function()
  it("counts crossings weighted by both flows", function()
    local cols, links = graph({ { "a", "b" }, { "x", "y" } }, { { "a", "y", 2 }, { "b", "x", 3 } })
    assert.equal(6, layers.crossings(links, places(cols)))
    cols, links = graph({ { "a", "b" }, { "x", "y" } }, { { "a", "x", 2 }, { "b", "y", 3 } })
    assert.equal(0, layers.crossings(links, places(cols)))
  end)

  it("untangles a reversed matching over three columns", function()
    local cols, links = graph({ { "a", "b", "c", "d" }, { "p", "q", "r", "s" }, { "w", "x", "y", "z" } }, {
      { "a", "s", 1 }, { "b", "r", 1 }, { "c", "q", 1 }, { "d", "p", 1 },
      { "p", "w", 1 }, { "q", "x", 1 }, { "r", "y", 1 }, { "s", "z", 1 } })
    assert.is_true(layers.crossings(links, places(cols)) > 0)
    assert.equal(0, layers.order(cols, links))
    assert.equal(0, layers.crossings(links, places(cols)))
    for _, col in ipairs(cols) do assert.equal(4, #col) end
  end)

  it("keeps an order that has no crossings", function()
    local cols, links = graph({ { "b", "a" }, { "y", "x" } }, { { "b", "y", 1 }, { "a", "x", 1 } })
    assert.equal(0, layers.order(cols, links))
    assert.same({ "b", "a" }, names(cols[1]))
    assert.same({ "y", "x" }, names(cols[2]))
  end)

  it("sweeps without counting past MAX_COUNTED links", function()
    local left, right, edges = {}, {}, {}
    for i = 1, 30 do left[i], right[i] = "l" .. i, "r" .. i end
    for i = 1, 30 do
      for j = 1, 30 do
        if (i * 7 + j * 3) % 2 == 0 then edges[#edges + 1] = { "l" .. i, "r" .. j, i + j } end
      end
    end
    local cols, links = graph({ left, right }, edges)
    assert.is_true(#links > layers.MAX_COUNTED)
    assert.is_nil(layers.order(cols, links))
    assert.equal(30, #cols[1])
    assert.equal(30, #cols[2])
  end)
end)
