-- Specs for the theme catalogue: every theme in themes/ loads, its palette
-- gives 12 (and 24) perceptibly distinct series colours, text contrasts with
-- the background (WCAG AA), and the greyscale-safe extras are well formed.
local themes = require "themes"
local color = require "layout.color"
local style = require "layout.style"

-- CIE76 colour difference; ~2.3 is "just noticeable", 10 is clearly
-- another colour. Series colours stay at least 15 apart (the light and dark themes'
-- second blue, 10 from the first, read as the same series past ten of them).
local MIN_DELTA_E = 15

local function delta_e(a, b)
  local l1, a1, b1 = color.to_lab(a)
  local l2, a2, b2 = color.to_lab(b)
  return math.sqrt((l1 - l2) ^ 2 + (a1 - a2) ^ 2 + (b1 - b2) ^ 2)
end

local function min_pair(list)
  local best, pair = math.huge, nil
  for i = 1, #list do
    for j = i + 1, #list do
      local d = delta_e(list[i], list[j])
      if d < best then best, pair = d, list[i] .. " vs " .. list[j] end
    end
  end
  return best, pair
end

describe("theme catalogue", function()
  it("ships light, dark, colourblind, print and minimal", function()
    assert.are.same({ "colourblind", "dark", "light", "minimal", "print" }, themes.names())
  end)

  for _, name in ipairs(themes.names()) do
    describe(name, function()
      local t = assert(themes.get(name))

      it("loads and names itself", function()
        assert.equal(name, t.name)
        assert.is_true(themes.check(t, name))
      end)

      it("has 12 distinct series colours", function()
        local pal = color.palette(t, 12)
        assert.equal(12, #pal)
        local seen = {}
        for _, c in ipairs(pal) do
          assert.is_nil(seen[c], name .. ": colour repeats: " .. c)
          seen[c] = true
        end
        local d, pair = min_pair(pal)
        assert.is_true(d >= MIN_DELTA_E, ("%s: %s differ by only ΔE %.1f"):format(name, pair, d))
      end)

      it("extends to 24 series without repeating a colour", function()
        local pal = color.palette(t, 24)
        local seen = {}
        for _, c in ipairs(pal) do
          assert.is_nil(seen[c], name .. ": colour repeats: " .. c)
          seen[c] = true
        end
        -- The first 12 are the theme's own palette, in order.
        for i = 1, #t.palette do assert.equal(t.palette[i]:lower(), pal[i]) end
      end)

      it("keeps text readable: foreground and muted text ≥ 4.5:1 on the background", function()
        assert.is_true(color.contrast(t.foreground, t.background) >= 4.5, name .. " foreground")
        assert.is_true(color.contrast(t.muted, t.background) >= 4.5, name .. " muted")
      end)

      it("has well-formed optional dashes, patterns and markers", function()
        for i, d in ipairs(t.dashes or {}) do
          assert.equal("table", type(d), "dashes[" .. i .. "]")
          for _, v in ipairs(d) do assert.is_true(type(v) == "number" and v > 0, "dashes[" .. i .. "]") end
        end
        for i, p in ipairs(t.patterns or {}) do assert.is_true(style.PATTERNS[p], "patterns[" .. i .. "] " .. p) end
        for i, m in ipairs(t.markers or {}) do assert.is_true(style.MARKERS[m], "markers[" .. i .. "] " .. m) end
      end)
    end)
  end

  it("colourblind starts with the eight Okabe–Ito colours", function()
    local t = assert(themes.get("colourblind"))
    assert.are.same({ "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#000000" },
      { table.unpack(t.palette, 1, 8) })
  end)

  it("print tells 12 series apart without colour: no two share dash, pattern and marker", function()
    local t = assert(themes.get("print"))
    local seen = {}
    for i = 1, 12 do
      local d = style.dash(t, i)
      local key = table.concat(d or {}, ",") .. "|" .. tostring(style.pattern(t, i)) .. "|" .. style.marker(t, i)
      assert.is_nil(seen[key], ("series %d looks like series %s"):format(i, tostring(seen[key])))
      seen[key] = i
    end
    assert.equal(21, math.floor(color.contrast(t.foreground, t.background) + 0.5))
  end)

  it("minimal turns the grid off", function()
    assert.is_false(assert(themes.get("minimal")).show_grid)
  end)
end)
