-- Specs for layout.color: parsing, mixing, palettes, Lab ramps, contrast.
local color = require "layout.color"

describe("layout.color", function()
  it("parses #rgb, #rrggbb and #rrggbbaa", function()
    assert.same({ 1, 136 / 255, 0, 1 }, { color.parse("#f80") })
    assert.same({ 1, 136 / 255, 0, 128 / 255 }, { color.parse("#ff880080") })
    assert.same({ nil, 'invalid colour "red": expected #rgb, #rrggbb or #rrggbbaa' }, { color.parse("red") })
  end)

  it("prints hex and mixes", function()
    assert.equal("#ff8000", color.to_hex(1, 0.5, 0))
    assert.equal("#ff800080", color.to_hex(1, 0.5, 0, 0.5))
    assert.equal("#808080", color.mix("#000000", "#ffffff", 0.5))
    assert.equal("#4e79a7", color.from_lab(color.to_lab("#4e79a7")))
  end)

  it("takes palette colours in order and extends without repeats", function()
    local theme = { palette = { "#4e79a7", "#f28e2b" } }
    assert.same({ "#4e79a7" }, color.palette(theme, 1))
    local p = color.palette(theme, 30)
    assert.equal(30, #p)
    assert.equal("#4e79a7", p[1])
    assert.equal("#f28e2b", p[2])
    local seen = {}
    for _, c in ipairs(p) do
      assert.is_nil(seen[c])
      seen[c] = true
    end
  end)

  it("interpolates ramps in Lab", function()
    assert.equal("#777777", color.ramp({ "#000000", "#ffffff" }, 0.5)) -- L* 50, not sRGB's #808080
    assert.equal("#deebf7", color.ramp({ "#deebf7", "#08306b" }, 0))
    assert.equal("#08306b", color.ramp({ "#deebf7", "#08306b" }, 1))
    assert.equal("#08306b", color.ramp({ "#deebf7", "#08306b" }, 7))
    assert.equal("#4292c6", color.ramp({ "#deebf7", "#9ecae1", "#4292c6", "#08519c" }, 2 / 3))
  end)

  it("picks black or white text for a fill", function()
    assert.equal(1, color.luminance("#ffffff"))
    assert.equal(0, color.luminance("#000000"))
    assert.near(21, color.contrast("#000000", "#ffffff"), 1e-9)
    assert.equal("#000000", color.contrast_text("#edc948"))
    assert.equal("#ffffff", color.contrast_text("#08306b"))
    assert.equal("#000000", color.contrast_text("#e15759")) -- 5.7:1 against 3.7:1 for white
    assert.equal("#ffffff", color.contrast_text("#1f77b4"))
  end)
end)
