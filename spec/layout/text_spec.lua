-- Specs for layout.text with the real pango measurer from chartd.canvas.
local text = require "layout.text"
local canvas = require "chartd.canvas"

local FONT = { family = "DejaVu Sans", size = 12, weight = "normal" }

describe("layout.text", function()
  it("builds fonts from a theme role", function()
    local theme = { font = "DejaVu Sans", font_sizes = { title = 18, tick = 11 } }
    assert.same({ family = "DejaVu Sans", size = 18, weight = "bold" }, text.font(theme, "title", "bold"))
    assert.same({ family = "DejaVu Sans", size = 11, weight = "normal" }, text.font(theme, "tick"))
  end)

  it("measures with the canvas binding", function()
    assert.is_true(text.has_measurer())
    local w, h, b = text.measure("Hello", FONT)
    local cw, ch, cb = canvas.measure_text("Hello", { font = FONT })
    assert.same({ cw, ch, cb }, { w, h, b })
    assert.is_true(text.width("Hello world", FONT) > w)
  end)

  it("wraps words to the width", function()
    local lines = text.wrap("The quick brown fox jumps over the lazy dog", FONT, 120)
    assert.is_true(#lines >= 3)
    assert.equal("The quick brown fox jumps over the lazy dog", table.concat(lines, " "))
    for _, l in ipairs(lines) do assert.is_true(text.width(l, FONT) <= 120) end
    assert.same({ "one", "two" }, text.wrap("one\ntwo", FONT, 500))
    local long = text.wrap("Supercalifragilisticexpialidocious", FONT, 60)
    assert.equal("Supercalifragilisticexpialidocious", table.concat(long))
    for _, l in ipairs(long) do assert.is_true(text.width(l, FONT) <= 60) end
  end)

  it("truncates with an ellipsis on character boundaries", function()
    assert.same({ "short", false }, { text.truncate("short", FONT, 200) })
    local s, cut = text.truncate("Größenordnung über alles", FONT, 80)
    assert.is_true(cut)
    assert.equal("…", s:sub(-3))
    assert.is_truthy(utf8.len(s))
    assert.is_true(text.width(s, FONT) <= 80)
    assert.equal("Größenordnung über alles", s:sub(1, -4) .. ("Größenordnung über alles"):sub(#s - 2))
    local cjk = text.truncate("日本語のテキスト", FONT, 40)
    assert.is_truthy(utf8.len(cjk))
    assert.is_true(text.width(cjk, FONT) <= 40)
  end)
end)
