-- Tests for charts.parallel: axes per field, vertex positions, field checks, sampling, pixels.
local parallel = require "charts.parallel"
local cat = require "charts.shared.catalogue"

local ROWS = { { a = 0, b = 10, c = 5, g = "x" }, { a = 10, b = 0, c = 5, g = "y" }, { a = 5, b = 5, c = 0, g = "x" } }
local ENC = { color = { field = "g" } }

describe("charts.parallel", function()
  local l = cat.layout(parallel, cat.spec("parallel", ROWS, ENC, { fields = { "a", "b" } }))

  it("spaces one axis per field and maps each value on its own nice scale", function()
    assert.same({ "a", "b" }, l.fields)
    local p = l.frame.plot
    cat.near(p.x + p.width / 4, l.axes[1].x)
    cat.near(p.x + p.width * 3 / 4, l.axes[2].x)
    local run = l.lines[1].runs[1] -- row 1, group x: a = 0 (bottom), b = 10 (top)
    local a1, a2 = l.axes[1], l.axes[2]
    assert.same({ 0, 10 }, { a1.min, a1.max })
    cat.near(a1.bottom, run[2]); cat.near(a2.top, run[4])
    assert.equal(2, #l.lines[1].runs)
    assert.equal(1, #l.lines[2].runs)
  end)

  it("defaults to every quantitative column and checks options.fields", function()
    local all = cat.layout(parallel, cat.spec("parallel", ROWS, ENC))
    assert.same({ "a", "b", "c" }, all.fields)
    local err = cat.error({ type = "parallel", data = { values = ROWS }, options = { fields = { "a", "zz" } } })
    assert.equal("unknown_field", err.code)
    assert.equal('options.fields[1]: no column "zz"; columns are a, b, c, g', err.message)
    err = cat.error({ type = "parallel", data = { values = ROWS }, options = { fields = { "a" } } })
    assert.equal("options.fields: parallel coordinates need at least 2 quantitative fields; found 1 (a)", err.message)
    err = cat.error({ type = "parallel", data = { values = ROWS }, options = { fields = { "a", "g" } } })
    assert.equal('options.fields[1]: "g" is nominal; parallel axes need quantitative fields', err.message)
  end)

  it("draws an even sample of 100,000 rows and says so", function()
    local rows = cat.rows(100000, function(i) return { a = i % 97, b = (i * 7) % 101 } end)
    local _, r = cat.render({ type = "parallel", data = { values = rows } })
    assert.truthy(r.alt:find("(an even sample of 2000 lines is drawn)", 1, true))
  end)

  for _, theme_name in ipairs({ "light", "dark" }) do
    it("draws axis lines (" .. theme_name .. ")", function()
      local theme = require("themes").get(theme_name)
      local rows = { { a = 0, b = 0 }, { a = 10, b = 10 } }
      local img = cat.render({ type = "parallel", data = { values = rows }, theme = theme_name, width = 600,
        height = 400 })
      local ll = cat.layout(parallel, cat.spec("parallel", rows, {}, nil, { theme = theme_name }))
      local a = ll.axes[1]
      assert.equal(theme.axis, img:hex(a.x, a.top + (a.bottom - a.top) * 0.37))
      assert.equal(theme.background, img:hex(a.x + 40, a.top + (a.bottom - a.top) * 0.37 - 60))
    end)
  end
end)
