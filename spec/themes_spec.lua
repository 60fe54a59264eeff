-- Specs for themes: the shipped themes load and are complete, unknown or
-- path-like names are refused, theme files run with no globals and are
-- checked key by key.
local themes = require "themes"

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local function is_hex(c)
  return type(c) == "string" and c:match("^#%x%x%x%x%x%x$") ~= nil
end

describe("themes", function()
  local saved_dir = themes.dir
  after_each(function()
    themes.dir = saved_dir
    themes.reload()
  end)

  it("lists the shipped themes sorted", function()
    assert.are.same({ "colourblind", "dark", "light", "minimal", "print" }, themes.names())
  end)

  it("loads light and dark with every field the charts read", function()
    for _, name in ipairs({ "light", "dark" }) do
      local t = assert(themes.get(name))
      assert.are.equal(name, t.name)
      assert.are.equal(12, #t.palette)
      local seen = {}
      for _, c in ipairs(t.palette) do
        assert.is_true(is_hex(c), c)
        assert.is_nil(seen[c:lower()], "duplicate palette colour " .. c)
        seen[c:lower()] = true
      end
      assert.are.equal(3, #t.diverging)
      assert.is_true(#t.sequential >= 2 and #t.sequential <= 5)
      assert.are.same({ title = 18, subtitle = 13, axis_title = 12, tick = 11, legend = 11, label = 10, note = 10 },
        t.font_sizes)
      assert.are.same({ thousands = ",", decimal = ".", currency = "$" }, t.number)
      assert.are.same({ "DejaVu Sans", 16, 2, 3.5, 2 },
        { t.font, t.padding, t.line_width, t.point_radius, t.bar_radius })
    end
    assert.are.equal("#ffffff", themes.get("light").background)
    assert.are.equal("#1e1e24", themes.get("dark").background)
  end)

  it("returns the cached table until reload", function()
    local a = themes.get("light")
    assert.are.equal(a, themes.get("light"))
    themes.reload()
    assert.are_not.equal(a, themes.get("light"))
  end)

  -- A phone's chart (280 px, what a 320 px phone's page has room for, to 430 px and up, any
  -- shape from 4:3 to square) keeps every text at 10 px or more while titles and spacing
  -- still shrink; a thumbnail may go down to 8 px.
  it("sizes type to the canvas, never under 10 px from a phone's chart up", function()
    for _, name in ipairs(themes.names()) do
      local theme = themes.get(name)
      local smallest = math.huge
      for _, v in pairs(theme.font_sizes) do smallest = math.min(smallest, v) end
      for w = 280, 1600, 10 do
        for _, ratio in ipairs({ 0.75, 1, 0.25 }) do
          local h = math.floor(w * ratio)
          local sized = themes.for_size(theme, w, h)
          for k, v in pairs(sized.font_sizes) do
            assert(v <= theme.font_sizes[k], ("%s %dx%d: %s grew"):format(name, w, h, k))
            if h >= 210 then
              assert(v >= math.min(10, smallest), ("%s %dx%d: %s is %s px"):format(name, w, h, k, v))
            end
          end
        end
      end
      local phone = themes.for_size(theme, 360, 270)
      assert.is_true(phone.font_sizes.title < theme.font_sizes.title)
      assert.is_true(phone.padding < theme.padding)
      assert.are.equal(8, themes.for_size(theme, 300, 200).font_sizes.label)
    end
  end)

  it("refuses unknown names, listing the themes", function()
    for _, name in ipairs({ "neon", "../themes/light", "Light", "" }) do
      local t, err = themes.get(name)
      assert.is_nil(t)
      assert.are.equal("unknown_theme", err.code)
      assert.are.equal("theme", err.path)
      assert.are.equal(string.format('theme: unknown theme "%s"; available themes are '
        .. "colourblind, dark, light, minimal, print", name), err.message)
    end
  end)

  describe("theme files", function()
    local dir
    before_each(function()
      dir = os.tmpname()
      os.remove(dir)
      assert(os.execute("mkdir -p '" .. dir .. "'"))
      local f = assert(io.open("themes/light.lua", "rb"))
      local light = f:read("a")
      f:close()
      write(dir .. "/good.lua", light)
      themes.dir = dir
      themes.reload()
    end)
    after_each(function()
      os.execute("rm -rf '" .. dir .. "'")
    end)

    it("run in an empty environment", function()
      write(dir .. "/evil.lua", "os.exit(3)")
      local t, err = themes.get("evil")
      assert.is_nil(t)
      assert.are.equal("unknown_theme", err.code)
      assert.matches("^theme: theme \"evil\" cannot be loaded: .*evil%.lua:1: "
        .. "attempt to index a nil value %(global 'os'%)$", err.message)
    end)

    it("must not be bytecode", function()
      write(dir .. "/bin.lua", string.dump(function() return {} end))
      local t, err = themes.get("bin")
      assert.is_nil(t)
      assert.matches("attempt to load a binary chunk", err.message, 1, true)
    end)

    it("are bounded in size", function()
      write(dir .. "/big.lua", "return {}" .. (" "):rep(70000))
      local _, err = themes.get("big")
      assert.are.equal('theme: theme "big" cannot be loaded: ' .. dir .. "/big.lua: larger than 65536 bytes",
        err.message)
    end)

    it("must have every required key", function()
      write(dir .. "/partial.lua", 'return { name = "partial", background = "#ffffff" }')
      local _, err = themes.get("partial")
      assert.are.equal('theme: theme "partial" cannot be loaded: ' .. dir
        .. "/partial.lua: key axis must be a string, got nil", err.message)
      local ok, msg = themes.check(setmetatable({ palette = { "#fff" } }, nil), "x.lua")
      assert.is_nil(ok)
      assert.are.equal("x.lua: key axis must be a string, got nil", msg)
    end)

    it("loads a valid file and lists it", function()
      assert.are.same({ "good" }, themes.names())
      assert.are.equal("light", themes.get("good").name)
    end)
  end)
end)
