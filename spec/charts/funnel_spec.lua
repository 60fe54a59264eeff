-- Tests for charts.funnel: widths proportional to values, shares, bad input, pixels.
local funnel = require "charts.funnel"
local cat = require "charts.shared.catalogue"

local ENC = { y = { field = "s" }, x = { field = "v" } }
local ROWS = { { s = "Visit", v = 100 }, { s = "Cart", v = 50 }, { s = "Buy", v = 20 }, { s = "Cart", v = 10 } }

describe("charts.funnel", function()
  local spec = cat.spec("funnel", ROWS, ENC)
  local l = cat.layout(funnel, spec)

  it("sums per stage in data order and sizes bars by value, centred", function()
    local st = l.stages
    assert.same({ "Visit", "Cart", "Buy" }, { st[1].label, st[2].label, st[3].label })
    cat.near(l.max_width, st[1].width)
    cat.near(l.max_width * 0.6, st[2].width)
    cat.near(l.max_width * 0.2, st[3].width)
    for _, s in ipairs(st) do cat.near(l.center, s.x + s.width / 2) end
    assert.same({ "100", "60 · 60%", "20 · 20%" }, { st[1].value_text, st[2].value_text, st[3].value_text })
    assert.equal(2, #l.connectors)
  end)

  it("describes the largest drop", function()
    assert.equal("Funnel chart of v over 3 stages, from Visit (100) to Buy (20, 20% of the first). "
      .. "Largest drop: Cart to Buy (33% kept).", funnel.describe(spec, l))
  end)

  it("rejects a negative value naming the row", function()
    local err = cat.error({ type = "funnel", data = { values = { { s = "a", v = 3 }, { s = "b", v = -1 } } },
      encoding = ENC })
    assert.equal('encoding.x.field: funnel stages need values ≥ 0; row 2 has -1 in "v"', err.message)
  end)

  it("names a missing encoding and draws one stage", function()
    local err = cat.error({ type = "funnel", data = { values = ROWS }, encoding = { y = ENC.y } })
    assert.equal("missing_encoding", err.code)
    local one = cat.layout(funnel, cat.spec("funnel", { { s = "a", v = 5 } }, ENC))
    cat.near(one.max_width, one.stages[1].width)
  end)

  it("handles 100,000 rows", function()
    local rows = cat.rows(100000, function(i) return { s = "s" .. (i % 5), v = 1 } end)
    assert.equal(800, cat.render({ type = "funnel", data = { values = rows }, encoding = ENC }).width)
  end)

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("paints each bar (" .. theme_name .. ")", function()
      local img = cat.render({ type = "funnel", data = { values = ROWS }, encoding = ENC, theme = theme_name,
        width = 600, height = 400 })
      local ll = cat.layout(funnel, cat.spec("funnel", ROWS, ENC, nil, { theme = theme_name }))
      for _, s in ipairs(ll.stages) do
        assert.equal(s.color, img:hex(s.x + 4, s.y + s.height * 0.2))
        assert.equal(require("themes").get(theme_name).background, img:hex(s.x - 3, s.y + s.height / 2))
      end
    end)
  end
end)
