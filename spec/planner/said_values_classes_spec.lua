-- planner.followup on values said beside or against a column, over seeded tables and phrasings:
--   numbers compared with a column of bands written as text ("25-34" … "75+", "0-39g/day" …
--   "120+"): "55 and older", "over 60", "under 40g" keep the bands wholly inside what was said;
--   an age word picks the age bands, a unit the bands written in it;
--   a column named beside one of its own values — a short code ("only wool A") or a number of a
--   column of few numbers ("only the 2 mg dose", "dose 1 only") — is a filter on that value;
--   "by X" where X holds a few numbers on many rows (doses 0.5, 1, 2) groups by X, not measures it.
local frame = require "data.frame"

local gen = require("seeded").new(20261209)
local rand, pick, word = gen.rand, gen.pick, gen.word

-- Bands from lo, each `width` wide, k closed ones and an open last one ("75+"); unit written on
-- the first (as esoph writes "0-39g/day") when given.
local function bands(lo, width, k, unit)
  local out = {}
  for b = 0, k - 1 do
    local a = lo + b * width
    out[#out + 1] = { a, a + width - 1, ("%d-%d%s"):format(a, a + width - 1, b == 0 and unit or "") }
  end
  local open = lo + k * width
  out[#out + 1] = { open, math.huge, ("%d+"):format(open) }
  return out
end

local function table_of(age_name, ages, dose_name, doses, measure)
  local lines = { ("%s,%s,%s"):format(age_name, dose_name, measure) }
  for _, a in ipairs(ages) do
    for _, d in ipairs(doses) do lines[#lines + 1] = ("%s,%s,%d"):format(a[3], d[3], rand(50)) end
  end
  return assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
end

local read = require "follow_read"

local function kept(spec, said)
  assert.is_table(spec.transform, "no filter: " .. said)
  local f = spec.transform[1].filter
  local got = {}
  for _, v in ipairs(f.oneOf or (f["not"] or {}).oneOf or {}) do got[#got + 1] = v end
  table.sort(got)
  return f.field or f["not"].field, got, f["not"] ~= nil
end

local function want(list, ok)
  local out = {}
  for _, b in ipairs(list) do if ok(b[1], b[2]) then out[#out + 1] = b[3] end end
  table.sort(out)
  return out
end

describe("values said beside a column by class", function()
  it("keeps the bands wholly inside a number said with a comparison", function()
    for _ = 1, 30 do
      local ages = bands(pick { 15, 20, 25 }, pick { 5, 10 }, 3 + rand(3))
      local doses = bands(0, pick { 20, 40 }, 2 + rand(2), pick { "g/day", "g" })
      local age_name = pick { "agegp", "age_group", "ageband", "Age Group" }
      local dose_name = word(3) .. "gp"
      local measure = word(2)
      local df = table_of(age_name, ages, dose_name, doses, measure)
      local base = { type = "bar", encoding = { x = { field = dose_name, type = "nominal" },
        y = { field = measure, type = "quantitative", aggregate = "sum" } } }
      local edge = ages[1 + rand(#ages - 2)][1]
      local said = pick { "only people %d and older", "ages %d and over only", "ages %d and up",
        "just those %d or older",
        "aged %d+" }:format(edge)
      local field, got = kept(read(said, base, df), said)
      assert.equal(age_name, field, said)
      assert.same(want(ages, function(a) return a >= edge end), got, said)
      local young = pick { "people under %d", "younger than %d only", "only ages below %d" }:format(edge)
      field, got = kept(read(young, base, df), young)
      assert.equal(age_name, field, young)
      assert.same(want(ages, function(_, b) return b < edge end), got, young)
      local out = pick { "exclude people over %d", "drop ages above %d" }:format(edge - 1)
      local _, dropped, negated = kept(read(out, base, df), out)
      assert.is_true(negated, out)
      assert.same(want(ages, function(a) return a >= edge - 1 end), dropped, out)
      -- a unit written on the number picks the bands written in it
      local cut = doses[2][1]
      local dosed = ("under %d%s"):format(cut, "g")
      field, got = kept(read(dosed, base, df), dosed)
      assert.equal(dose_name, field, dosed)
      assert.same(want(doses, function(_, b) return b < cut end), got, dosed)
    end
  end)

  it("filters a short code or a number said beside its column, not the column on an axis", function()
    for _ = 1, 30 do
      local code_col, num_col, measure = word(2), word(3), word(2) .. "s"
      local codes = { "A", "B", "L", "M", "H", "X", "Q" }
      local c1, c2 = pick(codes), pick(codes)
      while c2 == c1 do c2 = pick(codes) end
      local nums = pick { { 0.5, 1, 2 }, { 4, 6, 8 }, { 10, 20, 30, 40 } }
      local lines = { ("%s,%s,%s"):format(code_col, num_col, measure) }
      for _, c in ipairs { c1, c2 } do
        for _, n in ipairs(nums) do
          for _ = 1, 3 do lines[#lines + 1] = ("%s,%s,%d"):format(c, n, rand(60)) end
        end
      end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local base = { type = "box", encoding = { x = { field = num_col, type = "nominal" },
        y = { field = measure, type = "quantitative" } } }
      local said = pick { "only %s %s", "just %s %s", "%s %s only", "keep %s %s" }
      said = said:find("^%%s") and said:format(code_col, c1) or said:format(code_col, c1)
      local spec = read(said, base, df)
      local field, got = kept(spec, said)
      assert.equal(code_col, field, said)
      assert.same({ c1 }, got, said)
      assert.equal(num_col, spec.encoding.x.field, said)
      local n = pick(nums)
      local unit = pick { "", " mg", " g", " units" }
      local as_num = pick { "only the %s%s %s", "%s %s%s only", "without %s %s%s" }
      local text
      if as_num:find("^only the") then text = as_num:format(n, unit, num_col)
      elseif as_num:find("^without") then text = as_num:format(num_col, n, "")
      else text = as_num:format(num_col, n, "") end
      local hist = { type = "histogram", encoding = { x = { field = measure, type = "quantitative", bin = true },
        y = { aggregate = "count", type = "quantitative" } } }
      local filtered = read(text, hist, df)
      local f2, got2, negated = kept(filtered, text)
      assert.equal(num_col, f2, text)
      assert.same({ n }, got2, text)
      assert.equal(text:find("^without") ~= nil, negated, text)
      assert.equal(measure, filtered.encoding.x.field, text)
    end
  end)

  it("groups by a column of a few numbers on many rows said after 'by'", function()
    for _ = 1, 30 do
      local cat, levels, measure = word(2), word(3), word(2) .. "s"
      local nums = pick { { 0.5, 1, 2 }, { 1.5, 3, 4.5, 6 }, { 0.25, 0.5, 0.75 }, { 10, 25, 50 } }
      local lines = { ("%s,%s,%s"):format(cat, levels, measure) }
      for _, c in ipairs { "A", "B" } do
        for _, n in ipairs(nums) do
          for _ = 1, 5 do lines[#lines + 1] = ("%s,%s,%.1f"):format(c, n, rand(300) / 10) end
        end
      end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local box = rand(2) == 1
      local base = { type = box and "box" or "bar", encoding = { x = { field = cat, type = "nominal" },
        y = { field = measure, type = "quantitative", aggregate = (not box) and "mean" or nil } } }
      local said = pick { "by %s instead", "per %s instead", "by %s please", "by %s now" }:format(levels)
      local spec = read(said, base, df)
      assert.equal(levels, spec.encoding.x.field, said)
      assert.equal(measure, spec.encoding.y.field, said)
    end
  end)
end)
