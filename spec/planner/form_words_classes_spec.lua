-- planner.followup on two command words said bare (seeded tables and phrasings, so a rule fitted
-- to one sentence or one table fails here):
--   "filter X" keeps X, as a filter keeps the rows it matches ("filter out X", "filter X out" drop it);
--   a percent word said alone ("percent", "percentages please") is the percent form even when the
--   data has a column of percents the word could stand for ("pct"; naming the column still draws it).
local frame = require "data.frame"

local gen = require("seeded").new(20261211)
local rand, pick, word = gen.rand, gen.pick, gen.word
local function title_case(w) return w:sub(1, 1):upper() .. w:sub(2) end

local POLITE = { "", " please", " pls", " thanks" }

-- A table: a category of made-up values, a measure, and a column of percents named as such.
local function table_of(pct_name)
  local cat, measure = word(2), word(3)
  local values, seen = {}, {}
  while #values < 4 do
    local v = title_case(word(2))
    if not seen[v] then seen[v] = true; values[#values + 1] = v end
  end
  local lines = { ("%s,%s,%s"):format(cat, measure, pct_name) }
  for _, v in ipairs(values) do
    for _ = 1, 3 do lines[#lines + 1] = ("%s,%d,%d"):format(v, rand(500), rand(100)) end
  end
  return assert(frame.from_data(table.concat(lines, "\n") .. "\n")), cat, measure, values
end

local read = require "follow_read"

local function bar_of(cat, measure)
  return { type = "bar", encoding = { x = { field = cat, type = "nominal" },
    y = { field = measure, type = "quantitative", aggregate = "sum" } } }
end

describe("bare command words by class", function()
  it("keeps the values after a bare 'filter', drops them after 'filter out'", function()
    for _ = 1, 30 do
      local df, cat, measure, values = table_of(word(2))
      local v = values[rand(#values)]
      local said = pick { "filter %s", "filter %s please", "filter by %s", "filter to %s", "filter on %s" }:format(v)
      local f = read(said, bar_of(cat, measure), df).transform[1].filter
      assert.same({ v }, f.oneOf, said)
      local out = pick { "filter out %s", "filter %s out" }:format(v) .. pick(POLITE)
      local g = read(out, bar_of(cat, measure), df).transform[1].filter
      assert.same({ v }, g["not"] and g["not"].oneOf, out)
    end
  end)

  it("reads a percent word said alone as the percent form, not the column of percents", function()
    for _ = 1, 30 do
      local pct_name = pick { "pct", "share_pct", "pct_share" }
      local df, cat, measure = table_of(pct_name)
      local said = pick { "percent", "percentages", "percentage", "show percent", "percent please", "in percent" }
        .. pick(POLITE)
      local spec = read(said, bar_of(cat, measure), df)
      assert.is_true(spec.options and spec.options.normalize, said)
      assert.equal(measure, spec.encoding.y.field, said)
      -- the column named as such is still the column
      local named = read(("show %s instead"):format(pct_name), bar_of(cat, measure), df)
      assert.equal(pct_name, named.encoding.y.field)
    end
  end)
end)
