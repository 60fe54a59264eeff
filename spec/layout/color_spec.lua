-- Specs for layout.color: parsing, mixing, palettes, Lab ramps, contrast.
local color = require "layout.color"

describe("layout.color", function()
  it("parses #rgb, #rrggbb, #rrggbbaa and CSS colour names", function()
    assert.same({ 1, 136 / 255, 0, 1 }, { color.parse("#f80") })
    assert.same({ 1, 136 / 255, 0, 128 / 255 }, { color.parse("#ff880080") })
    assert.same({ nil, 'invalid colour "rouge": expected #rgb, #rrggbb, #rrggbbaa or a CSS colour name' },
      { color.parse("rouge") })
    -- CSS colour names, in any case and spacing
    assert.same({ 1, 0, 0, 1 }, { color.parse("red") })
    assert.same({ color.parse("#006400") }, { color.parse("Dark Green") })
    assert.equal("#4682b4", color.named("steel_blue"))
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

describe("layout.color scales", function()
  local light = { sequential = { "#ffffff", "#000000" }, diverging = { "#0000ff", "#eeeeee", "#ff0000" },
    palette = { "#111111", "#222222" } }

  it("diverge around 0 with the theme's colours when the domain crosses it, symmetrically", function()
    local s = color.scale({}, light, -0.4, 1)
    assert.is_true(s.diverging)
    assert.same({ -1, 1 }, { s.min, s.max })
    assert.equal("#eeeeee", s.at(0))
    assert.equal("#ff0000", s.at(1))
    assert.equal(s.at(0.5), color.ramp(light.diverging, 0.75))
  end)

  it("stay sequential on one side of zero, and honour scale.scheme, range, domainMid and reverse", function()
    local s = color.scale({}, light, 2, 10)
    assert.is_false(s.diverging)
    assert.same({ "#ffffff", "#000000" }, s.stops)
    local named = color.scale({ scale = { scheme = "viridis" } }, light, 0, 1)
    assert.equal("#440154", named.at(0))
    assert.equal("#fde725", named.at(1))
    local div = color.scale({ scale = { scheme = "redblue" } }, light, -5, 20)
    assert.same({ -20, 20 }, { div.min, div.max })
    assert.equal("#f7f7f7", div.at(0))
    local mid = color.scale({ scale = { domainMid = 5 } }, light, 0, 8)
    assert.same({ 0, 10 }, { mid.min, mid.max })
    local range = color.scale({ scale = { range = { "#00ff00", "#0000ff" }, reverse = true } }, light, 0, 1)
    assert.equal("#0000ff", range.at(0))
  end)

  it("give categories a categorical scheme's or a range's colours", function()
    assert.same({ "#1f77b4", "#ff7f0e" }, color.categorical({ scale = { scheme = "category10" } }, light, 2))
    assert.same({ "#123456", "#abcdef" }, color.categorical({ scale = { range = { "#123456", "#abcdef" } } }, light, 2))
    assert.same({ "#111111", "#222222" }, color.categorical(nil, light, 2))
  end)
end)

describe("layout.color text on fills", function()
  it("always reaches WCAG's 4.5:1 against the fill, on every colour of every theme", function()
    local themes = require "themes"
    for _, name in ipairs(themes.names()) do
      local t = themes.get(name)
      local fills = {}
      for _, c in ipairs(color.palette(t, 24)) do fills[#fills + 1] = c end
      for k = 0, 20 do
        fills[#fills + 1] = color.ramp(t.sequential, k / 20)
        fills[#fills + 1] = color.ramp(t.diverging, k / 20)
      end
      for _, fill in ipairs(fills) do
        local ratio = color.contrast(color.contrast_text(fill), fill)
        assert.is_true(ratio >= 4.5, ("%s: text on %s has contrast %.2f"):format(name, fill, ratio))
      end
    end
  end)
end)
