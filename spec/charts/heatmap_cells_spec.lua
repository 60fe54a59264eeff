-- charts.heatmap's cells through chartd.columns.cells (C) against the Lua rule it replaces:
-- the same cells, values (and their integer or float subtype), row counts and extremes for
-- random grids, aggregates, missing keys and values, text in a value column, and integer
-- sums that stay integers (near math.maxinteger too, where they wrap as Lua's do); and the
-- layout's placing and colouring of the cells (chartd.columns.place_cells) against its loop.
local fixture = require "charts.shared.fixture"

-- charts.heatmap loaded a second time without chartd.columns: its Lua loop.
local function lua_only_heatmap()
  local saved_loaded, saved_preload = package.loaded["chartd.columns"], package.preload["chartd.columns"]
  package.loaded["chartd.columns"] = nil
  package.preload["chartd.columns"] = function() error("switched off for this test") end
  package.loaded["charts.heatmap"] = nil
  local m = require "charts.heatmap"
  package.loaded["charts.heatmap"] = nil
  package.loaded["chartd.columns"], package.preload["chartd.columns"] = saved_loaded, saved_preload
  return m
end

local native = require "charts.heatmap"
local lua_rule = lua_only_heatmap()

local function same_number(a, b, what)
  assert.equal(math.type(a), math.type(b), what .. ": subtype")
  if a ~= a then assert.is_true(b ~= b, what) else assert.equal(a, b, what) end
end

local function same_cells(a, b)
  assert.equal(a.n, b.n, "cells")
  for k = 1, a.n do
    assert.equal(a.i[k], b.i[k], "i " .. k)
    assert.equal(a.j[k], b.j[k], "j " .. k)
    assert.equal(a.rows[k], b.rows[k], "rows " .. k)
    same_number(a.value[k], b.value[k], "value " .. k)
  end
  assert.equal(#a.value, #b.value)
  if a.n > 0 then
    same_number(a.min, b.min, "min")
    same_number(a.max, b.max, "max")
  else
    assert.is_nil(b.min)
  end
  assert.same(a.xs, b.xs)
  assert.same(a.ys, b.ys)
end

local OPS = { "mean", "sum", "count", "min", "max", "median" }

-- A random table: x and y from small alphabets (some missing), v integers, floats, missing,
-- now and then text or a NaN.
local function random_rows(rng, n, kind)
  local xs, ys = { "a", "b", "c", "d", "e", "f", "g" }, { "p", "q", "r", "s" }
  local nx, ny = rng(1, #xs), rng(1, #ys)
  local rows = {}
  for r = 1, n do
    local v
    local u = rng(1, 20)
    if kind == "int" then v = rng(-1000, 1000)
    elseif kind == "huge" then v = math.maxinteger - rng(0, 3)
    elseif u == 1 then v = nil
    elseif u == 2 and kind == "mixed" then v = rng(0, 9) .. " units"
    elseif u <= 8 then v = rng(-50, 50)
    else v = rng(-1e6, 1e6) / 7 end
    rows[r] = { x = rng(1, 12) > 1 and xs[rng(1, nx)] or nil, y = rng(1, 12) > 1 and ys[rng(1, ny)] or nil, v = v }
  end
  return rows
end

describe("charts.heatmap cells in C", function()
  it("agrees with the Lua rule over random grids and every aggregate", function()
    local seed = 20261206
    local rng = function(a, b)
      seed = (seed * 1103515245 + 12345) % 2147483648
      return a + seed % (b - a + 1)
    end
    local checked = 0
    for round = 1, 60 do
      local kind = ({ "int", "float", "mixed", "huge" })[round % 4 + 1]
      local rows = random_rows(rng, rng(1, 120), kind)
      for _, op in ipairs(OPS) do
        local vtype = kind == "mixed" and "nominal" or "quantitative"
        if not (vtype == "nominal" and op ~= "count") then
          local enc = { x = { field = "x", type = "nominal" }, y = { field = "y", type = "nominal" },
            color = { field = "v", type = vtype, aggregate = op } }
          local ok, spec = pcall(fixture.spec, "heatmap", rows, enc)
          if ok then
            same_cells(lua_rule.cells(spec), native.cells(spec))
            checked = checked + 1
          end
        end
      end
    end
    assert.is_true(checked > 150, "compared " .. checked)
  end)

  it("counts rows when the colour has no field", function()
    local rows = { { x = "a", y = "p" }, { x = "a", y = "p" }, { x = "b", y = "q" } }
    local enc = { x = { field = "x", type = "nominal" }, y = { field = "y", type = "nominal" },
      color = { aggregate = "count", type = "quantitative" } }
    local spec = fixture.spec("heatmap", rows, enc)
    local m = native.cells(spec)
    same_cells(lua_rule.cells(spec), m)
    assert.same({ 2, 1 }, m.value)
  end)

  it("keeps an integer sum an integer, and a float once a float joins it", function()
    local rows = { { x = "a", y = "p", v = 2 }, { x = "a", y = "p", v = 3 }, { x = "b", y = "p", v = 1 }, { x = "b", y = "p", v = 0.25 },
      { x = "b", y = "q", v = 1.5 } }
    local enc = { x = { field = "x", type = "nominal" }, y = { field = "y", type = "nominal" },
      color = { field = "v", type = "quantitative", aggregate = "sum" } }
    local spec = fixture.spec("heatmap", rows, enc)
    local m = native.cells(spec)
    same_cells(lua_rule.cells(spec), m)
    assert.equal("integer", math.type(m.value[1]))
    assert.equal(5, m.value[1])
    assert.equal("float", math.type(m.value[2]))
    assert.equal(1.25, m.value[2])
  end)

  -- layout through C and through the Lua loop: the same positions, colours and t (with its
  -- subtype: the loop writes the integers 1 and 0 at and past the domain's ends) for random
  -- grids, aggregates, explicit domains (values outside them, flat ones) and huge integers.
  it("places and colours the cells as the layout's Lua loop does", function()
    local themes = require "themes"
    local seed = 6120
    local rng = function(a, b) -- the LCG's high bits (its low bits repeat with a short period)
      seed = (seed * 1103515245 + 12345) % 2147483648
      return a + (seed >> 15) % (b - a + 1)
    end
    local box = { x = 0, y = 0, width = 500, height = 300 }
    local checked, flat, outside = 0, 0, 0
    for round = 1, 80 do
      local kind = ({ "int", "float", "huge", "float" })[round % 4 + 1]
      local rows = random_rows(rng, rng(1, 150), kind)
      local enc = { x = { field = "x", type = "nominal" }, y = { field = "y", type = "nominal" },
        color = { field = "v", type = "quantitative", aggregate = OPS[rng(1, 5)] } }
      local d = rng(1, 4)
      if d == 1 then enc.color.scale = { domain = { -20, 20 } }
      elseif d == 2 then enc.color.scale = { domain = { 7, 7 } } end
      local ok, spec = pcall(fixture.spec, "heatmap", rows, enc)
      if ok then
        local theme = themes.get(round % 2 == 0 and "light" or "dark")
        local a, b = lua_rule.layout(spec, theme, box), native.layout(spec, theme, box)
        assert.equal(a.cells.n, b.cells.n)
        for k = 1, a.cells.n do
          same_number(a.cells.x[k], b.cells.x[k], "x " .. k)
          same_number(a.cells.y[k], b.cells.y[k], "y " .. k)
          same_number(a.cells.t[k], b.cells.t[k], "t " .. k)
          assert.equal(a.cells.color[k], b.cells.color[k], "colour " .. k)
          if math.type(b.cells.t[k]) == "integer" then outside = outside + 1 end
        end
        assert.equal(#a.cells.color, #b.cells.color)
        if d == 2 then flat = flat + 1 end
        checked = checked + 1
      end
    end
    assert.is_true(checked > 60 and flat > 5 and outside > 50, ("%d grids, %d flat, %d ends"):format(checked, flat, outside))
  end)
end)
