-- chartd.color: Lab → sRGB hex in C, against layout.color's Lua rule (from_lab_lua) value for value.
local native = require "chartd.color"
local color = require "layout.color"

describe("chartd.color.from_lab", function()
  local function same(l, a, b)
    local want, got = color.from_lab_lua(l, a, b), native.from_lab(l, a, b)
    if want ~= got then error(("from_lab(%.17g, %.17g, %.17g): Lua %s, C %s"):format(l, a, b, want, got)) end
  end

  it("is the layout's from_lab when the bindings are loaded", function()
    assert.equal(native.from_lab, color.from_lab)
  end)

  it("gives the Lua rule's colour on ramps between generated stops", function()
    -- the heatmap's use: points along straight lines in Lab between two colours, at 1/1024 steps
    local seed = 20261206
    local function rand()
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    end
    for _ = 1, 60 do
      local c1 = color.to_hex(rand(), rand(), rand())
      local c2 = color.to_hex(rand(), rand(), rand())
      local l1, a1, b1 = color.to_lab(c1)
      local l2, a2, b2 = color.to_lab(c2)
      for q = 0, 1024, 7 do
        local u = q / 1024
        same(l1 + (l2 - l1) * u, a1 + (a2 - a1) * u, b1 + (b2 - b1) * u)
      end
    end
  end)

  it("rounds to the same byte at the edges between byte values", function()
    -- Lab of sRGB channels half-way between two bytes: the slightest difference in the
    -- arithmetic tips such a value to the other byte
    local function lin(c) return c <= 0.04045 and c / 12.92 or ((c + 0.055) / 1.055) ^ 2.4 end
    local function f(t) return t > 216 / 24389 and t ^ (1 / 3) or (24389 / 27 * t + 16) / 116 end
    local function lab(r, g, b)
      r, g, b = lin(r), lin(g), lin(b)
      local x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b
      local y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
      local z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b
      local fx, fy, fz = f(x / 0.95047), f(y), f(z / 1.08883)
      return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)
    end
    for k = 0, 254 do
      local edge = (k + 0.5) / 255
      for _, other in ipairs({ 0, 0.25, 0.5, 0.75, 1 }) do
        for _, nudge in ipairs({ -1e-13, 0, 1e-13 }) do
          local e = edge + nudge
          same(lab(e, other, other))
          same(lab(other, e, other))
          same(lab(other, other, e))
        end
      end
    end
  end)

  it("clamps out-of-gamut and non-finite values as the Lua rule does", function()
    local seed = 7
    local function rand()
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    end
    for _ = 1, 3000 do
      -- far outside sRGB: negative lightness, lightness past 100, chroma past ±200
      same(rand() * 240 - 70, rand() * 700 - 350, rand() * 700 - 350)
    end
    -- the edges of the two branches of the curves (216/24389 and 0.0031308), integers, extremes
    for _, l in ipairs({ 0, 8, 7.9996, 8.0000001, 100, 5, 95, -16, 1e300, -1e300 }) do
      for _, ab in ipairs({ 0, 1, -1, 0.5, 127, -128, 1e-12 }) do same(l, ab, -ab) end
    end
    same(0 / 0, 0, 0)
    same(50, 0 / 0, 10)
    same(math.huge, 0, 0)
    same(-math.huge, math.huge, -math.huge)
    assert.equal("#000000", native.from_lab(0, 0, 0))
    assert.equal("#ffffff", native.from_lab(100, 0, 0))
  end)
end)
