-- Specs for layout.style: per-series dashes, patterns and markers from
-- optional theme keys (cycling, defaults), and hatching that stays inside
-- its shape.
local style = require "layout.style"
local canvas = require "chartd.canvas"
local image = require "chartd.image"

local theme = { dashes = { {}, { 6, 3 } }, patterns = { "none", "diagonal", "bogus" },
  markers = { "circle", "square", "triangle" } }

describe("layout.style", function()
  it("cycles the theme's lists and falls back to plain marks", function()
    assert.is_nil(style.dash(theme, 1))
    assert.are.same({ 6, 3 }, style.dash(theme, 2))
    assert.is_nil(style.dash(theme, 3))
    assert.is_nil(style.pattern(theme, 1))
    assert.equal("diagonal", style.pattern(theme, 2))
    assert.is_nil(style.pattern(theme, 3)) -- unknown names draw plain
    assert.equal("square", style.marker(theme, 5))
    assert.is_nil(style.dash({}, 1))
    assert.is_nil(style.pattern({}, 4))
    assert.equal("circle", style.marker({}, 7))
  end)

  it("hatches only inside the shape, in a colour that contrasts with the fill", function()
    local c = canvas.new { format = "png", width = 60, height = 40 }
    c:set_color("#ffffff")
    c:paint()
    c:rect(10, 10, 30, 20)
    c:set_color("#000000")
    c:fill_preserve()
    style.hatch(c, "diagonal", "#000000", 10, 10, 30, 20)
    local img = assert(image.decode_png(c:finish()))
    local light_inside, dark_outside = 0, 0
    for y = 0, 39 do
      for x = 0, 59 do
        local r = img:pixel(x, y)
        local inside = x >= 10 and x < 40 and y >= 10 and y < 30
        if inside and r > 128 then light_inside = light_inside + 1 end
        if not inside and r < 250 then dark_outside = dark_outside + 1 end
      end
    end
    assert.is_true(light_inside > 60, "hatch pixels: " .. light_inside)
    assert.equal(0, dark_outside)
  end)

  it("draws every marker shape with about the circle's area", function()
    local areas = {}
    for kind in pairs(style.MARKERS) do
      local c = canvas.new { format = "png", width = 40, height = 40 }
      c:set_color("#ffffff")
      c:paint()
      c:set_color("#000000")
      style.marker_path(c, kind, 20, 20, 8)
      c:fill()
      local img = assert(image.decode_png(c:finish()))
      local ink = 0
      for y = 0, 39 do for x = 0, 39 do if img:pixel(x, y) < 128 then ink = ink + 1 end end end
      areas[kind] = ink
    end
    local circle = areas.circle
    assert.is_true(math.abs(circle - math.pi * 64) < 12, "circle " .. circle)
    for kind, a in pairs(areas) do
      assert.is_true(a > 0.45 * circle and a < 1.3 * circle, ("%s: %d px vs circle %d"):format(kind, a, circle))
    end
  end)
end)

describe("layout.style dashes", function()
  local style = require "layout.style"
  it("widen gaps by the line's width, so round caps do not close them (dots stay dots at 1x)", function()
    local got
    local fake = { set_dash = function(_, d) got = d end }
    style.set_dash(fake, { 1, 3 }, 2)
    assert.same({ 1, 5 }, got)
    style.set_dash(fake, nil, 2)
    assert.same({}, got)
  end)
end)
