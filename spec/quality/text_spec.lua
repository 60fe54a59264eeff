-- Specs for non-Latin text: Chinese, Japanese, Arabic, accented Latin and
-- emoji render as real glyphs (not pango's missing-glyph hex box), Arabic
-- runs right to left, long CJK titles wrap inside the chart, and a chart
-- with such labels renders with every label whole.
local canvas = require "chartd.canvas"
local pixels = require "quality.pixels"
local charts = require "charts"
local themes = require "themes"
local validate = require "chartspec.validate"
local pipeline = require "pipeline"

local SIZE = 40
local FAMILY = "DejaVu Sans" -- the themes' font; others come from fontconfig fallback

-- pango draws a character no font has as a box holding its code in hex.
-- Pixels inked in the boxes of several unassigned private-use characters
-- (different digits) are the box's outline: a real glyph does not ink
-- (nearly) all of them. BMP and supplementary boxes differ in size.
-- (Code points away from the ends of the private-use area, which icon and math fonts fill:
-- FontAwesome, Glyphicons and MathJax come with common Debian packages.)
local function box_outline(codes)
  local masks = {}
  for i, cp in ipairs(codes) do masks[i] = pixels.ink(pixels.render_text(utf8.char(cp), SIZE, FAMILY)) end
  return pixels.intersect(masks)
end

local BMP_BOX = box_outline { 0xE4F1, 0xEDCB, 0xE7A5, 0xEB3C }
local SUPP_BOX = box_outline { 0xF0000, 0x10FFFD, 0xFABCD, 0x10E7A5 }
-- Measured at 40 px: boxes cover 0.92 of the outline, real glyphs 0.08–0.2, a solid "■" 0.4.
local BOX_SHARE = 0.75

local function looks_missing(ch)
  local cp = utf8.codepoint(ch)
  local mask, n, coloured = pixels.ink(pixels.render_text(ch, SIZE, FAMILY))
  local frame = cp > 0xFFFF and SUPP_BOX or BMP_BOX
  return pixels.coverage(frame, mask) >= BOX_SHARE, n, coloured
end

local LABELS = { "北京", "東京", "ひらがな", "القاهرة", "São Paulo", "Zürich", "Kraków" }

describe("non-Latin text", function()
  it("finds the missing-glyph box outline (the detector works)", function()
    local _, bn = box_outline { 0xE4F1, 0xEDCB, 0xE7A5, 0xEB3C }
    assert.is_true(bn > 100, "outline pixels: " .. bn)
    -- Other private-use characters are boxes too: the detector must say so.
    for _, cp in ipairs({ 0xE9D2, 0xF456, 0x10FFFC }) do
      assert.is_true((looks_missing(utf8.char(cp))), ("U+%X should look missing"):format(cp))
    end
  end)

  it("draws every character of Chinese, Japanese, Arabic and accented labels as a glyph", function()
    for _, label in ipairs(LABELS) do
      for _, cp in utf8.codes(label) do
        if cp ~= 32 then
          local ch = utf8.char(cp)
          local missing, n = looks_missing(ch)
          assert.is_true(n > 20, ("U+%04X in %q drew no ink"):format(cp, label))
          assert.is_false(missing, ("U+%04X in %q is the missing-glyph box"):format(cp, label))
        end
      end
    end
  end)

  it("draws colour emoji (fonts-noto-color-emoji, cairo 1.16 colour bitmaps)", function()
    local missing, n, coloured = looks_missing("😀")
    assert.is_false(missing)
    assert.is_true(n > 100)
    assert.is_true(coloured, "emoji drew without colour")
  end)

  it("lays Arabic out right to left", function()
    -- Alef and dal never join the letter after them, so "اد" is the two
    -- isolated letters side by side: alef must be on the right.
    local alef, dal = "\u{0627}", "\u{062F}"
    local word = pixels.render_text(alef .. dal, SIZE, FAMILY)
    local wd = canvas.measure_text(dal, { font = { family = FAMILY, size = SIZE } })
    local wa = canvas.measure_text(alef, { font = { family = FAMILY, size = SIZE } })
    local function pair(left, wl, right)
      local c = canvas.new { format = "png", width = SIZE * 3, height = SIZE * 2 }
      c:set_color("#ffffff")
      c:rect(0, 0, SIZE * 3, SIZE * 2)
      c:fill()
      local o = { font = { family = FAMILY, size = SIZE }, color = "#000000", valign = "top" }
      c:text(left, SIZE / 4, SIZE / 4, o)
      c:text(right, SIZE / 4 + wl, SIZE / 4, o)
      return assert(require("chartd.image").decode_png(c:finish()))
    end
    local rtl = pixels.diff(word, pair(dal, wd, alef), 64)
    local ltr = pixels.diff(word, pair(alef, wa, dal), 64)
    assert.is_true(rtl * 3 < ltr, ("right-to-left differs by %d px, left-to-right by %d"):format(rtl, ltr))
  end)

  local function spec_with(labels, title, width)
    local values = {}
    for i, l in ipairs(labels) do values[i] = { city = l, n = i * 10 } end
    return { type = "bar", title = title, width = width or 640, height = 360, theme = "light",
      data = { values = values },
      encoding = { x = { field = "city", type = "nominal" }, y = { field = "n", type = "quantitative" } } }
  end

  it("wraps a long CJK title (no spaces) inside the chart", function()
    local title = "二〇二四年の都市別売上高と前年比較、東京・北京・カイロ・サンパウロ・チューリッヒ・クラクフ"
    local spec = assert(validate.spec(spec_with(LABELS, title, 420)))
    local theme = assert(themes.get("light"))
    local box = { x = 0, y = 0, width = 420, height = 360 }
    local lay = charts.get("bar").layout(spec, theme, box)
    local t = lay.frame.title
    assert.is_true(#t.lines >= 2, "title lines: " .. #t.lines)
    assert.equal(title, table.concat(t.lines))
    for _, line in ipairs(t.lines) do
      local w = canvas.measure_text(line, { font = t.font })
      assert.is_true(w <= 420 - 2 * theme.padding, ("line %q is %.1f px wide"):format(line, w))
    end
  end)

  it("renders a chart whose axis labels are those texts, whole", function()
    local spec = assert(validate.spec(spec_with(LABELS, "Ventes — 売上 — مبيعات")))
    local lay = charts.get("bar").layout(spec, assert(themes.get("light")), { x = 0, y = 0, width = 640, height = 360 })
    local got = {}
    for i, l in ipairs(lay.frame.bottom.labels) do got[i] = l.text end
    assert.are.same(LABELS, got)
    local result = assert(pipeline.render(spec_with(LABELS, "Ventes — 売上 — مبيعات")))
    assert.equal("png", result.format)
  end)
end)
