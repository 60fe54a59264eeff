-- planner.followup on classes of follow-ups about numbered time and widths in a unit (seeded
-- tables and phrasings, so a rule fitted to one sentence or one table fails here):
--   month names on a column that numbers the months (Month 5..9) are a filter on those numbers;
--   "day 21", "week 3", "visits 2 to 4" on a time index column are a filter on its values;
--   bins said with a unit chartd has no table for ("2 mph bins", "bins of 5 years") are a width.
local frame = require "data.frame"

local gen = require("seeded").new(20261206)
local rand, pick, word = gen.rand, gen.pick, gen.word

local POLITE = { "", " please", " pls", " thanks" }
local MONTH_NAMES = { "january", "february", "march", "april", "may", "june", "july", "august", "september",
  "october", "november", "december" }

-- A table of repeated measurements: `time` numbered lo..hi, a made-up measure, a made-up group.
local function measured(time, lo, hi, measure, group)
  local lines = { ("%s,%s,%s"):format(time, measure, group) }
  for t = lo, hi do
    for k = 1, 4 do lines[#lines + 1] = ("%d,%d,%s"):format(t, 10 * t + k * 3 + rand(9), "g" .. k) end
  end
  return assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
end

local read = require "follow_read"

local function histogram_of(measure)
  return { type = "histogram", encoding = { x = { field = measure, type = "quantitative", bin = true },
    y = { aggregate = "count", type = "quantitative" } } }
end

local function line_of(time, measure)
  return { type = "line", encoding = { x = { field = time, type = "quantitative" },
    y = { field = measure, type = "quantitative", aggregate = "mean" } } }
end

local function the_filter(spec, said)
  assert.is_table(spec.transform, "no filter: " .. said)
  return spec.transform[1].filter
end

describe("numbered time and units by class", function()
  it("reads a month name on a column of month numbers as a filter on that number", function()
    for _ = 1, 30 do
      local lo = rand(5)
      local hi = lo + 3 + rand(12 - lo - 3)
      local time = pick { "Month", "month", "MONTH", "Mon" }
      local measure = word(3)
      local df = measured(time, lo, hi, measure, word(2))
      local m = lo + rand(hi - lo + 1) - 1
      local said = pick { "only %s", "just %s", "%s only", "keep %s", "show %s only" }:format(MONTH_NAMES[m])
        .. pick(POLITE)
      local f = the_filter(read(said, histogram_of(measure), df), said)
      assert.equal(time, f.field, said)
      assert.same({ m }, f.oneOf, said)
      local drop = pick { "drop %s", "without %s", "exclude %s" }:format(MONTH_NAMES[m])
      local dropped = read(drop, line_of(time, measure), df)
      assert.same({ m }, the_filter(dropped, "drop")["not"].oneOf)
      -- a month the column does not hold: said so, no empty chart
      if lo > 1 then
        local spec, r = read("only " .. MONTH_NAMES[lo - 1], line_of(time, measure), df, "style")
        assert.is_nil(spec.transform)
        assert.truthy(r.notes[1]:find(time, 1, true))
      end
    end
  end)

  it("reads 'day N', 'week N', 'visits a to b' on a time index column as a filter on its values", function()
    for _ = 1, 30 do
      local unit = pick { "day", "week", "visit", "hour" }
      -- the column named by the unit, or a generic Time counted in it
      local time = rand(2) == 1 and pick { "Time", "time" } or pick { unit, unit:sub(1, 1):upper() .. unit:sub(2) }
      local hi = 6 + rand(20)
      local measure = word(3)
      local df = measured(time, 0, hi, measure, word(2))
      local n = rand(hi)
      local said = pick { "only %s %d", "just %s %d", "%s %d only", "at %s %d", "show %s %d" }:format(unit, n)
        .. pick(POLITE)
      local spec = read(said, histogram_of(measure), df)
      local f = the_filter(spec, said)
      assert.equal(time, f.field, said)
      assert.same({ n }, f.oneOf, said)
      assert.equal(measure, spec.encoding.x.field, said)
      local a = rand(hi - 1)
      local b = a + rand(hi - a)
      local span = pick { "%ss %d to %d", "%ss %d-%d", "%ss %d through %d" }:format(unit, a, b)
      assert.same({ a, b }, the_filter(read(span, line_of(time, measure), df), span).range, span)
      local without = pick { "without %s %d", "exclude %s %d", "drop %s %d" }:format(unit, n)
      local out = read(without, line_of(time, measure), df)
      assert.same({ n }, the_filter(out, "without")["not"].oneOf)
      -- the time column stays on x: the point is a filter, not the axis
      assert.equal(time, out.encoding.x.field)
    end
  end)

  it("reads bins said with a unit as their width in the column's unit", function()
    for _ = 1, 30 do
      local measure = word(3)
      local df = measured(word(2), 1, 12, measure, word(2))
      local unit = pick { "mph", "knots", "year", "years", "degree", "degrees", "cm", word(2) }
      local width = pick { 2, 5, 10, 0.5, 2.5 }
      local said = pick { "use %s %s bins", "%s %s bins", "bins of %s %s", "make the bins %s %s wide",
        "%s %s bins instead" }:format(width, unit) .. pick(POLITE)
      local spec = read(said, histogram_of(measure), df)
      assert.same({ step = width }, spec.encoding.x.bin, said)
      -- a count stays a count, said with an adjective too
      local n = 5 + rand(30)
      local counted = read(pick { "%d bins", "use %d bins", "%d equal bins", "%d even bins" }:format(n),
        histogram_of(measure), df)
      assert.same({ maxbins = n }, counted.encoding.x.bin)
    end
  end)
end)
