-- planner.followup on issue #13 item 4's edit grammar, by class: each test makes random tables
-- (seeded; columns and values named by made-up words) and phrases each edit several ways, as
-- tests/probe/followup_probe.lua found them failing on real tables. A rule fitted to one
-- sentence or one table fails here.
local followup = require "planner.followup"
local frame = require "data.frame"

local gen = require("seeded").new(20261206)
local rand, pick, word = gen.rand, gen.pick, gen.word
local function title_case(w) return w:sub(1, 1):upper() .. w:sub(2) end

-- A table: a date, a category column with made-up values, a measure, and (sometimes) a column
-- whose longer name holds a time unit word ("Days to Kalo") to tempt a reading of "by day".
local function table_of()
  local cat, measure = word(2), word(3)
  local unit = pick { "Days", "Weeks", "Months", "Years", "Quarters" }
  local extra = unit .. " to " .. title_case(word(2))
  local values = {}
  for k = 1, 2 + rand(4) do values[k] = title_case(word(2)) .. k end
  local lines = { ("date,%s,%s,%s"):format(cat, measure, extra) }
  for i, v in ipairs(values) do
    for m = 1, 4 do
      lines[#lines + 1] = ("2023-%02d-%02d,%s,%d,%d"):format(m * 3 - 2, 1 + (i * 5) % 27, v, 10 * i + m, rand(9))
    end
  end
  local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
  return df, cat, measure, values
end

local function bar_of(cat, measure, options)
  return { type = "bar", options = options, encoding = { x = { field = cat, type = "nominal" },
    y = { field = measure, type = "quantitative", aggregate = "sum" } } }
end
local function line_of(measure, unit)
  return { type = "line", encoding = { x = { field = "date", type = "temporal", timeUnit = unit },
    y = { field = measure, type = "quantitative", aggregate = "sum" } } }
end

local function read(prompt, base, df, want)
  local r = followup.interpret(prompt, base, df)
  assert.equal(want or "edit", r.kind, ("%q → %s %s"):format(prompt, r.kind, r.message or table.concat(r.notes or {}, "; ")))
  return r.spec, r
end

-- The encoding's fields, as "channel=field" sorted: what a styling edit must leave alone.
local function fields_of(spec)
  local out = {}
  for ch, e in pairs(spec.encoding) do if type(e) == "table" and e.field then out[#out + 1] = ch .. "=" .. e.field end end
  table.sort(out)
  return table.concat(out, " ")
end

local POLITE = { "", " please", " pls", " again", " now" }

describe("the edit grammar by class", function()
  it("turns horizontal bars upright when asked for vertical ones, and leaves other charts as they are", function()
    for _ = 1, 20 do
      local df, cat, measure = table_of()
      local phrase = pick { "vertical", "vertical bars", "make it vertical", "make the bars vertical", "upright bars",
        "turn it vertical", "vertically" } .. pick(POLITE)
      local spec = read(phrase, bar_of(cat, measure, { horizontal = true }), df)
      assert.is_falsy(spec.options and spec.options.horizontal, phrase)
      assert.equal("bar", spec.type)
      assert.equal(fields_of(bar_of(cat, measure)), fields_of(spec))
      -- a line is upright already: said so, chart unchanged
      if not phrase:find("bars") then
        local _, r = read(phrase, line_of(measure), df, "style")
        assert.equal("line", r.spec.type)
      end
    end
  end)

  it("turns value labels off however it is said, and on with 'annotate'", function()
    for _ = 1, 30 do
      local df, cat, measure = table_of()
      local off = pick { "labels off", "remove labels", "no labels", "take away the data labels", "drop the labels",
        "hide labels", "remove the value labels", "delete all the labels", "without labels", "data labels off" }
        .. pick(POLITE)
      local spec = read(off, bar_of(cat, measure, { labels = true }), df)
      assert.is_falsy(spec.options and spec.options.labels, off)
      assert.equal(fields_of(bar_of(cat, measure)), fields_of(spec))
      local on = pick { "annotate values", "annotate the bars", "labels on", "data labels on", "annotate" } .. pick(POLITE)
      local labelled = read(on, bar_of(cat, measure), df)
      assert.is_true(labelled.options and labelled.options.labels, on)
      -- a filter on values stays a filter
      local kept = read(("remove values below %d"):format(10 + rand(20)), bar_of(cat, measure), df)
      assert.is_table(kept.transform, "remove values below N")
    end
  end)

  it("reads a time unit after 'by' as the grain of dated data, not as a column that holds the word", function()
    for _ = 1, 30 do
      local df, _, measure = table_of()
      local unit = pick { "day", "week", "month", "quarter", "year" }
      local said = pick { "by %s", "per %s", "group by %ss", "split by %ss", "by %s instead", "each %s" }:format(unit)
      local from = unit == "year" and "yearmonth" or "year"
      local spec = read(said, line_of(measure, from), df)
      local want = ({ day = "yearmonthdate", week = "yearweek", month = "yearmonth", quarter = "yearquarter",
        year = "year" })[unit]
      assert.equal(want, spec.encoding.x.timeUnit, said)
      assert.is_nil(spec.encoding.color, said)
    end
  end)

  it("reads markers taken away as markers, not as a change to a scatter", function()
    for _ = 1, 20 do
      local df, _, measure = table_of()
      local said = pick { "hide", "remove", "no", "without", "drop" } .. " " .. pick { "points", "dots", "the dots",
        "the points", "markers" } .. pick(POLITE)
      local spec = read(said, line_of(measure, "yearmonth"), df)
      assert.equal("line", spec.type, said)
      assert.is_false(spec.options.points, said)
    end
  end)

  it("reads the plain adjective of a line's weight as its width", function()
    for _ = 1, 20 do
      local df, _, measure = table_of()
      local heavy = rand(2) == 1
      local adj = heavy and pick { "bold", "thick", "heavy", "fat" } or pick { "thin", "fine" }
      local said = pick { "%s lines", "a %s line", "make the line %s", "%s line please" }:format(adj)
      local spec = read(said, line_of(measure, "yearmonth"), df)
      local w = spec.config and spec.config.line and spec.config.line.strokeWidth
      assert.is_number(w, said)
      if heavy then assert.is_true(w > 2, said) else assert.is_true(w < 2, said) end
    end
  end)
end)
