-- Specs for scale (retina) output: scale 2 gives exactly twice the pixels in
-- each direction with the same layout — bar edges land at twice the
-- position, and the image shrunk back by 2×2 averaging matches scale 1.
local pipeline = require "pipeline"
local charts = require "charts"
local image = require "chartd.image"
local pixels = require "quality.pixels"

local copy = require("util.tables").deep_copy

local function render(scale)
  local spec = copy(charts.get("bar").sample)
  spec.width, spec.height, spec.scale, spec.format = 400, 300, scale, "png"
  local r = assert(pipeline.render(spec))
  return assert(image.decode_png(r.bytes))
end

local function hex(r, g, b) return ("#%02x%02x%02x"):format(r, g, b) end

-- x of every background→colour edge along row y whose colour is `fill`.
local function edges(img, y, fill)
  local out, prev = {}, nil
  for x = 0, img.width - 1 do
    local c = hex(img:pixel(x, y))
    if c == fill and prev ~= fill then out[#out + 1] = x end
    prev = c
  end
  return out
end

describe("scale 2 (retina)", function()
  local one, two = render(1), render(2)

  it("has exactly twice the pixels in each direction", function()
    assert.are.same({ 400, 300 }, { one.width, one.height })
    assert.are.same({ 800, 600 }, { two.width, two.height })
  end)

  it("puts every bar's left edge at twice its scale-1 position", function()
    local fill = require("themes").get("light").palette[1]
    local y1 = 200 -- a row through the EU bars, just above the axis
    local e1, e2 = edges(one, y1, fill), edges(two, 2 * y1, fill)
    assert.is_true(#e1 >= 6, "bars found at scale 1: " .. #e1)
    assert.equal(#e1, #e2)
    for i = 1, #e1 do
      assert.is_true(math.abs(e2[i] - 2 * e1[i]) <= 1, ("bar %d: %d at scale 1, %d at scale 2"):format(i, e1[i], e2[i]))
    end
  end)

  it("shrinks back to the scale-1 image (text hinting aside)", function()
    -- Average 2×2 blocks of the scale-2 image into a 400×300 canvas.
    local canvas = require "chartd.canvas"
    local c = canvas.new { format = "png", width = 400, height = 300 }
    for y = 0, 299 do
      for x = 0, 399 do
        local r, g, b = 0, 0, 0
        for dy = 0, 1 do
          for dx = 0, 1 do
            local pr, pg, pb = two:pixel(2 * x + dx, 2 * y + dy)
            r, g, b = r + pr, g + pg, b + pb
          end
        end
        c:set_color(r / 1020, g / 1020, b / 1020)
        c:rect(x, y, 1, 1)
        c:fill()
      end
    end
    local small = assert(image.decode_png(c:finish()))
    local differ = pixels.diff(one, small, 96)
    -- Glyphs are hinted per size, so text pixels differ a little: measured
    -- 323 pixels (0.27 %) over 96 counts; the same chart 4 px wider (every
    -- bar and label shifted a little) differs in 3458 (2.9 %).
    assert.is_true(differ < 0.01 * 400 * 300, "pixels that differ: " .. differ)
  end)
end)
