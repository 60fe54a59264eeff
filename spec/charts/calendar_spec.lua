-- Tests for charts.calendar: day cells by week and weekday, colours, bad input, pixels.
local calendar = require "charts.calendar"
local cat = require "charts.shared.catalogue"

local ENC = { x = { field = "d", type = "temporal" }, color = { field = "v" } }
local ROWS = { { d = "2024-01-01", v = 1 }, { d = "2024-01-07", v = 5 }, { d = "2024-01-07", v = 5 },
  { d = "2024-03-15", v = 4 } }

local function cell_of(l, y, m, d)
  local day = require("data.frame").days_from_civil(y, m, d)
  for _, c in ipairs(l.cells) do if c.day == day then return c end end
end

describe("charts.calendar", function()
  local l = cat.layout(calendar, cat.spec("calendar", ROWS, ENC))

  it("puts days in week columns and weekday rows, Monday on top", function()
    assert.equal(366, #l.cells)
    local b = l.blocks[1]
    local jan1, jan7, jan8 = cell_of(l, 2024, 1, 1), cell_of(l, 2024, 1, 7), cell_of(l, 2024, 1, 8)
    assert.same({ b.x, b.y }, { jan1.x, jan1.y }) -- 2024-01-01 was a Monday
    assert.same({ b.x, b.y + 6 * l.cell }, { jan7.x, jan7.y })
    assert.same({ b.x + l.cell, b.y }, { jan8.x, jan8.y })
    assert.equal(b.x + 10 * l.cell, cell_of(l, 2024, 3, 15).x)
  end)

  it("sums each day and colours it on the sequential ramp", function()
    local theme = require("themes").get("light")
    assert.equal(10, cell_of(l, 2024, 1, 7).value)
    assert.same({ 1, 10 }, { l.min, l.max })
    assert.equal(theme.sequential[#theme.sequential], cell_of(l, 2024, 1, 7).color)
    assert.equal(theme.sequential[1], cell_of(l, 2024, 1, 1).color)
    assert.is_nil(cell_of(l, 2024, 1, 2).color)
  end)

  it("needs dates, a bounded span and its encodings", function()
    local err = cat.error({ type = "calendar", data = { values = { { d = "a", v = 1 } } }, encoding = ENC })
    assert.equal("invalid_spec", err.code)
    err = cat.error({ type = "calendar", data = { values = { { d = "2000-01-01", v = 1 }, { d = "2024-01-01",
      v = 1 } } },
      encoding = ENC })
    assert.equal("encoding.x.field: a calendar shows at most 10 years; the data spans 2000 to 2024 (25 years)",
      err.message)
    assert.equal("missing_encoding", cat.error({ type = "calendar", data = { values = ROWS },
      encoding = { x = ENC.x } }).code)
  end)

  it("handles one row and 100,000 rows", function()
    local one = cat.layout(calendar, cat.spec("calendar", { { d = "2023-05-05", v = 2 } }, ENC))
    assert.equal(365, #one.cells)
    local rows = cat.rows(100000, function(i)
      local day = i % 1000
      return { d = os.date("!%Y-%m-%d", 1577836800 + day * 86400), v = i % 7 }
    end)
    assert.equal(800, cat.render({ type = "calendar", data = { values = rows }, encoding = ENC }).width)
  end)

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("paints day cells (" .. theme_name .. ")", function()
      local img = cat.render({ type = "calendar", data = { values = ROWS }, encoding = ENC, theme = theme_name,
        width = 600, height = 400 })
      local ll = cat.layout(calendar, cat.spec("calendar", ROWS, ENC, nil, { theme = theme_name }))
      local c = cell_of(ll, 2024, 1, 7)
      assert.equal(c.color, img:hex(c.x + c.size / 2, c.y + c.size / 2))
    end)
  end

  it("grows to the canvas: a year splits into rows of months when that makes days bigger", function()
    local function used(w, h)
      local s = cat.spec("calendar", ROWS, ENC)
      s.width, s.height = w, h
      local ll = cat.layout(calendar, s)
      local y1 = 0
      for _, c in ipairs(ll.cells) do y1 = math.max(y1, c.y + c.size) end
      return (y1 - ll.frame.plot.y) / ll.frame.plot.height, #ll.blocks, ll.cell
    end
    local share, blocks = used(800, 600)
    assert.is_true(share > 0.6, ("800x600 uses %.0f %% of the plot's height"):format(share * 100))
    assert.equal(2, blocks)
    local _, wide = used(1600, 300)
    assert.equal(1, wide)
  end)
end)
