-- Conversations made at random from a vocabulary of first requests and follow-ups, over real
-- tables of the independent sets: every turn ends in a chart the renderer accepts, or in a reply
-- that says why not (unclear_followup, not_a_chart_request) — never an invalid spec, a missing
-- channel or an internal error. A generator, not a list of sentences: it found the classes of
-- broken edits fixed with it (categories put on a histogram's x, one column typed two ways across
-- channels, a required colour removed, an aggregate of categories, a filter that keeps no row).
local host = require "conversation_host"
local frame = require "data.frame"
local validate = require "chartspec.validate"

local gen = require("seeded").new(20261207)
local pick = gen.pick

local FIRST = { "%s by %s", "average %s by %s", "total %s per %s", "%s over time", "distribution of %s",
  "scatter %s vs %s", "how many rows per %s", "box plot of %s by %s", "show me %s", "chart this",
  "heatmap of %s by %s and %s" }
local EDITS = { "make it a line chart", "bar chart", "as a pie", "scatter", "histogram", "box plot", "heatmap",
  "area chart", "colour by %c", "split by %c", "facet by %c", "one panel per %c", "stack by %c", "swap axes",
  "put %n on the y axis", "put %c on x", "median instead", "total", "count them", "max", "as percentages",
  "top 5", "bottom 3", "sort descending", "sort by name", "only %v", "exclude %v", "only %v and %v2",
  "by month", "by year", "log scale", "horizontal", "stacked", "grouped", "add a trend line", "show values",
  "title 'Test'", "x axis title 'A'", "use %n instead", "undo", "20 bins", "panels instead of colours",
  "remove the colour", "drop the NAs", "both added together", "%c combined", "by %c", "average per %c",
  "not %n", "just the G7", "compare with %v", "side by side", "normalize", "reverse the y axis", "dark theme" }
local TABLES = { "blind10/data/Arthritis.csv", "blind10/data/birthwt.csv", "blind10/data/temp_carbon.csv",
  "blind11/data/CO2.csv", "blind11/data/airquality.csv", "blind11/data/barley.csv", "blind11/data/mtcars.csv",
  "blind12/data/burtin.csv", "blind12/data/crimea.csv", "blind13/data/stars.csv", "blind13/data/sp500.csv" }
local REPLIES = { unclear_followup = true, not_a_chart_request = true }

describe("follow-ups made at random", function()
  for _, name in ipairs(TABLES) do
    it("end in a chart the renderer accepts, or in a reply that says why, on " .. name, function()
      local f = assert(io.open("tests/conversations/independent/" .. name))
      local csv = f:read("a")
      f:close()
      local df = assert(frame.from_data(csv, "data"))
      local cats, nums = {}, {}
      for _, n in ipairs(df.names) do
        if df.types[n] == "quantitative" then nums[#nums + 1] = n
        elseif df.types[n] ~= "temporal" then cats[#cats + 1] = n end
      end
      local function fill(t)
        local c, n = pick(#cats > 0 and cats or df.names), pick(#nums > 0 and nums or df.names)
        local vals = #cats > 0 and frame.distinct(df, c) or {}
        local v, v2 = tostring(vals[1] or "x"), tostring(vals[2] or "y")
        t = t:gsub("%%c", c):gsub("%%n", n):gsub("%%v2", v2):gsub("%%v", v)
        local args = {}
        for _ in t:gmatch("%%s") do args[#args + 1] = pick { n, c, pick(df.names) } end
        return (t:format(table.unpack(args)))
      end
      local drawn = 0
      for _ = 1, 12 do
        local ctx = host.host()
        local said = {}
        for k = 1, 4 do
          said[k] = fill(k == 1 and pick(FIRST) or pick(EDITS))
          local req = { type = "chart.request", id = tostring(k), prompt = said[k], data = k == 1 and csv or nil }
          local ok, spec, info = pcall(host.turn, ctx, req, { llm_provider = "offline" })
          local story = table.concat(said, " | ")
          assert.is_true(ok, story .. " → " .. tostring(spec))
          if spec then
            spec.data = spec.data or df
            local valid, errs = validate.spec(spec)
            assert.is_truthy(valid, story .. " → " .. (errs and errs[1] and errs[1].message or "?"))
            drawn = drawn + 1
          else
            assert.is_truthy(REPLIES[info and info.code or ""] or k == 1,
              story .. " → " .. tostring(info and info.code) .. " " .. tostring(info and info.message))
            if k == 1 then break end
          end
        end
      end
      -- (the conversations did draw: most turns are charts)
      assert.is_true(drawn >= 24, name .. ": only " .. drawn .. " charts")
    end)
  end
end)
