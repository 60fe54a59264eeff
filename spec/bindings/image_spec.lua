-- Specs for chartd.image (src/lua_image.c): PNG decoding, fields, pixel bounds, bad input.
local image = require "chartd.image"
local canvas = require "chartd.canvas"

local function two_pixels()
  local c = canvas.new { width = 16, height = 16 }
  c:set_color("#102030")
  c:rect(0, 0, 1, 1)
  c:fill()
  c:set_color("#ff000080")
  c:rect(15, 15, 1, 1)
  c:fill()
  return c:finish()
end

describe("chartd.image", function()
  it("decodes width, height and straight-alpha pixels", function()
    local img = assert(image.decode_png(two_pixels()))
    assert.are.equal(16, img.width)
    assert.are.equal(16, img.height)
    assert.are.same({ 0x10, 0x20, 0x30, 255 }, { img:pixel(0, 0) })
    assert.are.same({ 255, 0, 0, 128 }, { img:pixel(15, 15) })
    assert.are.same({ 0, 0, 0, 0 }, { img:pixel(8, 8) })
    assert.is_nil(img.nonsense)
    assert.are.equal("chartd.image (16x16)", tostring(img))
  end)

  it("raises naming the argument when x or y is out of range", function()
    local img = assert(image.decode_png(two_pixels()))
    assert.has_error(function() img:pixel(16, 0) end, "bad argument #1 to 'pixel' (x must be in 0..15, got 16)")
    assert.has_error(function() img:pixel(0, -1) end, "bad argument #2 to 'pixel' (y must be in 0..15, got -1)")
  end)

  it("returns nil and a message on bad input", function()
    local img, err = image.decode_png("not a png")
    assert.is_nil(img)
    assert.are.equal("invalid PNG: ", err:sub(1, 13))
    local png = two_pixels()
    img, err = image.decode_png(png:sub(1, #png // 2))
    assert.is_nil(img)
    assert.is_string(err)
    assert.has_error(function() image.decode_png() end)
  end)
end)
