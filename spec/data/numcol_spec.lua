-- Numeric CSV columns keep their numbers as doubles in C beside the Lua array (src/numcol.h), and
-- chartd.columns reads those instead of the array. Every function must answer the same either
-- way: here each runs on a parsed column and on a plain copy of it (a copy has no doubles).
local csv = require "chartd.csv"
local columns = require "chartd.columns"

local function lcg(seed)
  local rnd = require("charts.shared.sample_rng").lcg(seed)
  return function(n) return math.floor(rnd() * n) + 1 end
end

-- A CSV of an increasing key k, a value v (integers, decimals, ties, missing cells) and w.
local function random_csv(pick, n)
  local lines, k = { "k,v,w" }, 0
  for i = 1, n do
    k = k + pick(3) -- strictly increasing (the line's shortcut) ...
    local key = pick(20) == 1 and "" or tostring(k) -- ... or with a hole now and then
    local v = ({ "", "NA", tostring(pick(7) - 4), ("%.3f"):format((pick(2001) - 1001) / 37), "1e2", "-0" })[pick(6)]
    lines[i + 1] = key .. "," .. v .. "," .. tostring(pick(50) / 4)
  end
  return table.concat(lines, "\n") .. "\n"
end

local function copy(t, n) return table.move(t, 1, n, 1, {}) end

-- columns.m4's answer by its definition (columns.h), in Lua: per pixel column floor(a * key + b)
-- of each run of points, the first, last, lowest and highest point (first index on ties); 0
-- where a gap (missing[i], no value) ends a run that has points.
local function m4_reference(keys, n, a, b, values, missing)
  local keep, col = {}, nil
  local function flush()
    if col then for _, i in ipairs({ col.first, col.last, col.lo, col.hi }) do keep[i] = true end end
    col = nil
  end
  for i = 1, n do
    local v = values[i]
    if v == nil then
      if missing[i] then flush() end
    else
      local key = keys and keys[i] or i
      if key ~= key or key == math.huge or key == -math.huge then key = nil end
      local c = key and math.floor(a * key + b) or 0
      if col and col.c == c then
        col.last = i
        if v < values[col.lo] then col.lo = i end
        if v > values[col.hi] then col.hi = i end
      else
        flush()
        col = { c = c, first = i, last = i, lo = i, hi = i }
      end
    end
  end
  flush()
  local out, present, open = {}, 0, false
  for i = 1, n do
    if values[i] ~= nil then
      present = present + 1
      if keep[i] then out[#out + 1] = i; open = true end
    elseif missing[i] and open then
      out[#out + 1] = 0; open = false
    end
  end
  return { out, present }
end

-- assert.same, with NaN equal to NaN (a moment over a column with holes is NaN both ways)
local function same_numbers(want, got)
  assert.equal(#want, #got)
  for i = 1, #want do
    if want[i] ~= want[i] then assert.is_true(got[i] ~= got[i]) else assert.equal(want[i], got[i]) end
  end
end

describe("numeric columns kept in C", function()
  it("give every chartd.columns function the answer the Lua array gives", function()
    local pick = lcg(17)
    for trial = 1, 60 do
      local n = pick(trial < 50 and 40 or 3000)
      local names, cols, rows = csv.columns(random_csv(pick, n), 1000000, 10, 1000)
      assert.same({ "k", "v", "w" }, names)
      assert.equal(n, rows)
      local k, v, w = cols.k, cols.v, cols.w
      local k2, v2, w2 = copy(k, n), copy(v, n), copy(w, n)
      assert.same({ columns.scan(v2, n) }, { columns.scan(v, n) })
      assert.same(columns.flat(v2, n), columns.flat(v, n))
      assert.same(columns.affine(v2, n, 3, -2), columns.affine(v, n, 3, -2))
      same_numbers({ columns.moments(k2, w2, n) }, { columns.moments(k, w, n) })
      assert.same(columns.bin_counts(w2, n, 0, 2.5, { 0, 2.5, 5, 7.5, 10, 12.5 }),
        columns.bin_counts(w, n, 0, 2.5, { 0, 2.5, 5, 7.5, 10, 12.5 }))
      for _, gaps in ipairs({ true, false }) do
        assert.same({ columns.group(k2, v2, nil, n, "sum", gaps) }, { columns.group(k, v, nil, n, "sum", gaps) })
      end
      assert.same({ columns.m4(k2, n, 0.5, 1, v2, {}) }, { columns.m4(k, n, 0.5, 1, v, {}) })
      local gaps = {} -- some missing values break the line
      for i = 1, n do if v2[i] == nil and pick(2) == 1 then gaps[i] = true end end
      local keys = {} -- the line's keys: k's, or i where k has none
      for i = 1, n do keys[i] = k2[i] or i end
      local want = m4_reference(keys, n, 0.5, 1, v2, gaps)
      assert.same(want, { columns.m4(keys, n, 0.5, 1, v, gaps) })
      assert.same(want, { columns.m4(keys, n, 0.5, 1, v2, gaps) })
      assert.same(m4_reference(nil, n, 0.3, 2, v2, gaps), { columns.m4(nil, n, 0.3, 2, v, gaps) })
      assert.same({ columns.m4(nil, n, 0.25, 0, v2, {}, w2) }, { columns.m4(nil, n, 0.25, 0, v, {}, w) })
    end
  end)

  it("stamps the positions columns.affine gives as it stamps a copy of them", function()
    local canvas = require "chartd.canvas"
    local pick = lcg(5)
    local _, cols = csv.columns(random_csv(pick, 500), 1000000, 10, 1000)
    local xs, ys = columns.affine(cols.w, 500, 10, 20), columns.affine(cols.w, 500, 300, -20)
    local function draw(x, y)
      local c = canvas.new { format = "png", width = 320, height = 320 }
      c:set_color("#1f5faa80")
      c:new_path()
      c:arc(0, 0, 2, 0, 2 * math.pi)
      c:stamp(x, y)
      return c:finish()
    end
    assert.equal(draw(copy(xs, 500), copy(ys, 500)), draw(xs, ys))
    local holes = columns.affine(cols.v, 500, 10, 20) -- v has missing cells: no entry there
    local c = canvas.new { format = "png", width = 32, height = 32 }
    assert.has_error(function() c:stamp(holes, copy(ys, 500)) end)
  end)

  it("answers for exactly the rows it was parsed with", function()
    local _, cols = csv.columns("x\n1\n2\n3\n4\n", 100, 10, 100)
    assert.same({ 3, 1, 3, 1, 3 }, { columns.scan(cols.x, 3) }) -- fewer rows: read from the array
    assert.same({ 4, 1, 4, 1, 4 }, { columns.scan(cols.x, 4) })
  end)

  -- Past 10,000 rows a numeric column's numbers stay in C (numcol_new) until Lua code reads them:
  -- whatever Lua does with the array must see the values a plain array holds.
  describe("past 10,000 rows", function()
    local json = require "util.json"
    local n = 12000
    local frame = require "data.frame"
    local function parsed(pick)
      local _, cols = csv.columns(random_csv(pick, n), 1000000, 10, 1000)
      for _, name in ipairs({ "k", "v", "w" }) do assert.is_table(getmetatable(cols[name]), name) end
      return cols
    end
    -- the columns frame.lua's own Lua CSV code builds of the same text
    local function lua_path(pick)
      local native = frame.native_csv
      frame.native_csv = nil
      local df = assert(frame.from_data(random_csv(pick, n), "data"))
      frame.native_csv = native
      return df.columns
    end
    -- the cells read one by one into a plain array
    local function plain(col)
      local t = {}
      for i = 1, n do t[i] = col[i] end
      return t
    end

    it("reads every row as the plain array has it (integers stay integers, holes nil)", function()
      local cols = parsed(lcg(3))
      for _, name in ipairs({ "k", "v", "w" }) do
        local col, want = cols[name], lua_path(lcg(3))[name]
        for i = 1, n do
          assert.equal(math.type(want[i]), math.type(col[i]))
          assert.equal(want[i], col[i])
        end
        assert.is_nil(col[0])
        assert.is_nil(col[n + 1])
        assert.is_nil(col.x)
        assert.equal(#want, #col)
        assert.same(want, col)
      end
    end)

    it("iterates, encodes, sorts and takes writes as the plain array does", function()
      local cols, fresh = parsed(lcg(8)), parsed(lcg(8))
      local want = lua_path(lcg(8)).w
      local seen = 0
      for i, x in ipairs(cols.w) do seen = seen + 1; assert.equal(want[i], x) end
      assert.equal(n, seen)
      local keys = 0
      for k, x in pairs(cols.v) do keys = keys + 1; assert.equal(fresh.v[k], x) end
      local holes = 0
      for i = 1, n do if fresh.v[i] == nil then holes = holes + 1 end end
      assert.equal(n - holes, keys)
      assert.equal(json.encode(plain(fresh.k)), json.encode(cols.k))
      local c2 = parsed(lcg(8))
      table.sort(c2.w)
      table.sort(want)
      assert.same(want, plain(c2.w))
      local c3 = parsed(lcg(8))
      c3.k[5] = "x" -- a write: the rest stays
      assert.equal("x", c3.k[5])
      assert.equal(fresh.k[6], c3.k[6])
      assert.same({ columns.scan(plain(fresh.k), n) }, { columns.scan(cols.k, n) })
    end)

    it("draws the charts the Lua CSV path draws, pixel for pixel", function()
      local pipeline = require "pipeline"
      local pick = lcg(23)
      local rows, y = { "t,y,z" }, 0
      for i = 1, 15000 do
        y = y + pick(201) - 101 + pick(100) / 100
        rows[i + 1] = ("%d,%s,%s"):format(i * 3, pick(60) == 1 and "" or tostring(y), tostring(pick(500) / 8))
      end
      local text = table.concat(rows, "\n")
      for _, kind in ipairs({ "line", "area", "scatter", "step" }) do
        local function render(native)
          frame.native_csv = native
          local out, err = pipeline.render({ type = kind, width = 640, height = 400, format = "png", data = text,
            encoding = { x = { field = kind == "scatter" and "z" or "t", type = "quantitative" },
              y = { field = "y", type = "quantitative" } } })
          return assert(out, err and err.message).bytes
        end
        local native = frame.native_csv
        local fast, slow = render(native), render(nil)
        frame.native_csv = native
        assert.is_true(fast == slow, kind .. ": the PNGs differ")
      end
    end)

    it("gives chartd.columns the answers a plain array gives, also for fewer rows", function()
      local cols, fresh = parsed(lcg(11)), parsed(lcg(11))
      local k, v, w = plain(fresh.k), plain(fresh.v), plain(fresh.w)
      assert.same({ columns.group(k, v, nil, n, "sum", true) }, { columns.group(cols.k, cols.v, nil, n, "sum", true) })
      assert.same({ columns.m4(k, n, 0.05, 1, v, {}) }, { columns.m4(cols.k, n, 0.05, 1, cols.v, {}) })
      assert.same(columns.flat(v, n), columns.flat(cols.v, n))
      assert.same(columns.affine(w, n, 3, -2), columns.affine(cols.w, n, 3, -2))
      assert.same({ columns.group(k, v, w, n, "mean") }, { columns.group(cols.k, cols.v, cols.w, n, "mean") })
      assert.same({ columns.order(w, n) }, { columns.order(parsed(lcg(11)).w, n) })
      assert.same({ columns.scan(v, n - 7) }, { columns.scan(parsed(lcg(11)).v, n - 7) })
    end)

    -- A text of usual numbers only is read in one loop that also notes what a pass would find
    -- (numcol_profile: smallest and largest first rows, a key rising row by row); group and scan
    -- answer from it, and must answer as a plain array makes them.
    it("answers group and scan over an all-number text as over plain arrays", function()
      local pick = lcg(2024)
      for round = 1, 8 do
        local rows, lines, k = 10000 + pick(3000), { "k,v,w" }, 0
        local flat_at = round % 2 == 0 and pick(rows) or nil -- one key not above the one before
        for i = 1, rows do
          k = k + (i == flat_at and (round % 4 == 0 and -1 or 0) or pick(3))
          local v = round % 3 == 0 and tostring(pick(9) - 5) or ("%.2f"):format((pick(4001) - 2001) / 7)
          lines[i + 1] = ("%d,%s,%s"):format(k, v, tostring(pick(50) - 25))
        end
        local _, cols, n = csv.columns(table.concat(lines, "\n"), 1000000, 10, 1000)
        assert.equal(rows, n)
        local k_, v_, w_ = {}, {}, {}
        for i = 1, n do k_[i], v_[i], w_[i] = cols.k[i], cols.v[i], cols.w[i] end
        local _, fresh = csv.columns(table.concat(lines, "\n"), 1000000, 10, 1000)
        assert.same({ columns.group(k_, v_, nil, n, "sum", true) }, { columns.group(fresh.k, fresh.v, nil, n, "sum", true) })
        local flat, want = columns.flat(fresh.w, n), columns.flat(w_, n)
        for i = 1, n, 97 do assert.equal(math.type(want[i]), math.type(flat[i])) end
        assert.same(want, flat)
        for _, name in ipairs({ "v", "w", "k" }) do
          local plain = ({ k = k_, v = v_, w = w_ })[name]
          assert.same({ columns.scan(plain, n) }, { columns.scan(fresh[name], n) }, name)
          assert.same({ columns.scan(plain, n - 3) }, { columns.scan(fresh[name], n - 3) }, name)
          assert.equal(n, #fresh[name])
        end
      end
    end)
  end)
end)
