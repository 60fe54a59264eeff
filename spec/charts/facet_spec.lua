-- Tests for charts.facet: grid of cells, shared y scale, one colour per series, bad input, pixels.
local facet = require "charts.facet"
local cat = require "charts.shared.catalogue"

local ENC = { x = { field = "m" }, y = { field = "v" }, column = { field = "r" } }
local ROWS = { { r = "A", m = "jan", v = 10 }, { r = "A", m = "feb", v = 20 }, { r = "B", m = "jan", v = 100 },
  { r = "B", m = "feb", v = 50 } }

describe("charts.facet", function()
  it("splits by column into cells sharing one y scale", function()
    local l = cat.layout(facet, cat.spec("facet", ROWS, ENC, { chart = "bar" }))
    assert.equal(2, #l.cells)
    assert.same({ "A", "B" }, { l.cells[1].column, l.cells[2].column })
    local d1, d2 = l.cells[1].layout.frame.y.domain, l.cells[2].layout.frame.y.domain
    assert.same(d1, d2)
    assert.same({ 0, 100 }, d1)
    assert.equal(2, #l.cells[1].layout.bars)
    assert.is_true(l.cells[1].box.x + l.cells[1].box.width < l.cells[2].box.x)
  end)

  it("keeps each cell's own scale with shared_y = false", function()
    local l = cat.layout(facet, cat.spec("facet", ROWS, ENC, { chart = "line", shared_y = false }))
    assert.are_not.same(l.cells[1].layout.frame.y.domain, l.cells[2].layout.frame.y.domain)
  end)

  it("colours a series alike in every cell, even when a cell lacks a series", function()
    local rows = { { r = "A", m = "jan", v = 1, s = "p" }, { r = "A", m = "jan", v = 2, s = "q" },
      { r = "B", m = "jan", v = 3, s = "q" } }
    local enc = { x = ENC.x, y = ENC.y, column = ENC.column, color = { field = "s" } }
    local l = cat.layout(facet, cat.spec("facet", rows, enc, { chart = "bar" }))
    local pal = require("themes").get("light").palette
    assert.equal(pal[2], l.cells[2].layout.bars[1].color)
    assert.is_nil(l.cells[1].layout.frame.legend)
    assert.equal(2, #l.frame.legend.items)
  end)

  it("needs a column or row field and at most 36 cells", function()
    local err = cat.error({ type = "facet", data = { values = ROWS }, encoding = { x = ENC.x, y = ENC.y } })
    assert.equal("missing_encoding", err.code)
    assert.equal("encoding.column: small multiples need encoding.column or encoding.row to split the data by",
      err.message)
    local many = cat.rows(40, function(i) return { r = "r" .. i, m = "a", v = 1 } end)
    assert.equal("invalid_data", cat.error({ type = "facet", data = { values = many }, encoding = ENC }).code)
  end)

  it("handles 100,000 rows", function()
    local rows = cat.rows(100000, function(i) return { r = "r" .. (i % 4), m = "m" .. (i % 6), v = i % 9 } end)
    assert.equal(800, cat.render({ type = "facet", data = { values = rows }, encoding = ENC }).width)
  end)

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("draws every cell's bars (" .. theme_name .. ")", function()
      local theme = require("themes").get(theme_name)
      local img = cat.render({ type = "facet", data = { values = ROWS }, encoding = ENC, theme = theme_name,
        width = 600, height = 400 })
      local l = cat.layout(facet, cat.spec("facet", ROWS, ENC, nil, { theme = theme_name }))
      for _, cell in ipairs(l.cells) do
        for _, b in ipairs(cell.layout.bars) do
          assert.equal(theme.palette[1], img:hex(b.x + b.w / 2, b.y + b.h * 0.6))
        end
      end
    end)
  end
end)
