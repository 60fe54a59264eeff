-- Tests for charts.shared.axes.whole: a value axis of whole numbers gets whole-number
-- ticks (no "0.5 errors"), read from the scenes of the charts that use it.
local pipeline = require "pipeline"

-- The numeric tick labels of a rendered spec's scene.
local function tick_values(spec)
  local r, err = pipeline.render(spec, { scene = true })
  assert(r, err and err.message)
  local out = {}
  for _, it in ipairs(r.scene.items) do
    if it.role == "tick-label" and type(it.value) == "number" then out[#out + 1] = it.value end
  end
  return out
end

local function rows_of(n, top, step)
  local rows = {}
  for i = 1, n do rows[i] = { k = ("k%02d"):format(i), d = ("2024-01-%02d"):format(i), v = (i * 7) % (top + 1) * step,
    w = i * step } end
  return rows
end

describe("charts.shared.axes whole-number ticks", function()
  for _, t in ipairs({ "bar", "line", "area", "scatter" }) do
    for _, top in ipairs({ 1, 3, 6, 9 }) do
      for _, size in ipairs({ { 300, 200 }, { 800, 600 } }) do
        it(("%s of whole numbers 0..%d at %dx%d: whole ticks only"):format(t, top, size[1], size[2]), function()
          local x = t == "scatter" and { field = "w", type = "quantitative" } or { field = "d", type = "temporal" }
          local spec = { type = t, width = size[1], height = size[2], data = { values = rows_of(15, top, 1) },
            encoding = { x = x, y = { field = "v", type = "quantitative" } } }
          local vals = tick_values(spec)
          assert.is_true(#vals >= 2)
          for _, v in ipairs(vals) do assert.equal(math.floor(v), v) end
        end)
      end
    end
    it(t .. " of halves keeps fractional ticks where they are needed", function()
      local x = t == "scatter" and { field = "w", type = "quantitative" } or { field = "d", type = "temporal" }
      local spec = { type = t, width = 800, height = 600, data = { values = rows_of(15, 3, 0.5) },
        encoding = { x = x, y = { field = "v", type = "quantitative" } } }
      local fractional = false
      for _, v in ipairs(tick_values(spec)) do if v ~= math.floor(v) then fractional = true end end
      assert.is_true(fractional)
    end)
  end
end)
