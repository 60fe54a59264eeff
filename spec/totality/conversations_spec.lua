-- Totality of conversations over real datasets: a seeded generator opens conversations on every
-- CSV of npm's vega-datasets and ../shared/data (first turns from templates filled with the
-- data's own column names and values), then sends follow-ups drawn from a bank of phrasings
-- (types, splits, filters, months, top N, sorting, aggregates, styling, undo, nonsense). Every
-- turn must end in a chart or a client error — never a Lua error or `internal` — and the chart
-- must render. The offline planner is total over what people type, not just over what it reads.
-- CHARTD_GEN_CONVERSATIONS and CHARTD_GEN_SEED change the run (defaults: fixed seed, CI-sized).
local host, turn = require("conversation_host").host, require("conversation_host").turn
local pipeline = require "pipeline"
local rng = require "charts.shared.sample_rng"

-- (the sanitizer build, ~3x slower, checks the C side: one conversation per dataset there)
local SANITIZED = (os.getenv("LD_PRELOAD") or ""):find("asan", 1, true) ~= nil
local PER_DATASET = tonumber(os.getenv("CHARTD_GEN_CONVERSATIONS")) or (SANITIZED and 1 or 4)
local SEED = tonumber(os.getenv("CHARTD_GEN_SEED")) or 20261205
local FOLLOWUPS = 5
local ROWS = 300 -- rows kept of each dataset: every column's kind shows, renders stay fast
local DIRS = { "node_modules/vega-datasets/data", os.getenv("CHARTD_SHARED_DATA") or "../shared/data" }

local function datasets()
  local out = {}
  for _, dir in ipairs(DIRS) do
    local p = io.popen(('ls "%s"/*.csv 2>/dev/null'):format(dir))
    for path in p:lines() do out[#out + 1] = path end
    p:close()
  end
  table.sort(out)
  return out
end

-- The first ROWS lines of a CSV, and its header's names and some values of its first columns.
local function load(path)
  local f = assert(io.open(path, "rb"))
  local lines = {}
  for line in f:lines() do
    lines[#lines + 1] = line
    if #lines > ROWS then break end
  end
  f:close()
  local names = {}
  for name in (lines[1] .. ","):gmatch("([^,]*),") do names[#names + 1] = name:gsub('^"', ""):gsub('"$', "") end
  local values = {}
  for i = 2, #lines do
    local cells = {}
    for cell in (lines[i] .. ","):gmatch("([^,]*),") do cells[#cells + 1] = cell end
    for _, v in ipairs(cells) do if v ~= "" and #values < 40 then values[#values + 1] = v:gsub('"', "") end end
  end
  return { csv = table.concat(lines, "\n") .. "\n", names = names, values = values }
end

local TYPES = { "bar chart", "line", "area chart", "scatter plot", "pie", "histogram", "box plot", "heatmap",
  "bars", "lines", "donut" }
local FIRST = { "%s by %s", "average %s per %s", "%s over time", "show me %s", "scatter of %s vs %s",
  "how many rows per %s", "%s as a %s", "top 10 %s by %s", "distribution of %s", "show me something interesting",
  "compare %s across %s", "%s and %s", "which %s has the highest %s", "chart this", "%s distribution",
  "%s per %s as a %t", "per %s as %t", "%t per %s", "%t" }
local NEXT = { "make it a %t", "%t instead", "no, %t were better", "colour by %c", "split by %c", "facet by %c",
  "only %v", "exclude %v", "add %v too", "top %n", "sort descending", "swap axes", "horizontal", "average %c",
  "use median instead", "log scale", "stack them", "as percentages", "since 2000", "only march",
  "summer months only", "drop the zeros", "take the colour off", "undo", "go back", "title: Quarterly view",
  "by %c", "show %c by %c", "%c vs %c", "darker colours", "font to serif", "legend at the bottom",
  "per decade", "by year", "monthly", "asdf qwerty", "", "make it prettier", "%v only, it is the main one",
  "bring back the rest", "no I meant %c", "actually use %c instead", "wait, %t's better", "by company",
  "count instead", "total", "show all", "bigger", "start over", "%c", "%v", "10", "?!", "only %v and %v",
  "per %c as %t", "%c as %t", "%t of %c per %c", "%c distribution", "drop the %c", "more than %n",
  "only the 90s", "both %cs side by side", "ones with at least %n", "colour them all the same grey",
  "%t not %t", "leave out the ones with no %c", "actually by %c", "all %cs" }

local function fill(r, text, ds)
  local function pick(list) return list[math.floor(r() * #list) + 1] end
  return (text:gsub("%%([stcvn])", function(k)
    if k == "s" or k == "c" then return pick(ds.names) end
    if k == "t" then return pick(TYPES) end
    if k == "v" then return #ds.values > 0 and pick(ds.values) or "x" end
    return tostring(math.floor(r() * 12) + 1)
  end))
end

describe("generated conversations over real datasets", function()
  it(("end every turn in a chart or a client error (%d per dataset, seed %d)"):format(PER_DATASET, SEED), function()
    local r = rng.lcg(SEED)
    local failures, tally = {}, { turns = 0, charts = 0, client_errors = 0 }
    local files = datasets()
    assert.is_true(#files >= 10, "vega-datasets is missing (npm ci)")
    for _, path in ipairs(files) do
      local ds = load(path)
      for _ = 1, PER_DATASET do
        local ctx = host()
        local said = {}
        for t = 0, FOLLOWUPS do
          local bank = t == 0 and FIRST or NEXT
          local prompt = fill(r, bank[math.floor(r() * #bank) + 1], ds)
          said[#said + 1] = prompt
          local request = { prompt = prompt, width = 320, height = 240 }
          if t == 0 then request.data = ds.csv end
          tally.turns = tally.turns + 1
          local ok, spec, info = pcall(turn, ctx, request)
          local problem
          if not ok then
            problem = "raised: " .. tostring(spec)
          elseif spec then
            local rok, out, err = pcall(pipeline.render, spec)
            if not rok then problem = "render raised: " .. tostring(out)
            elseif not out and err.code == "internal" then problem = "render internal: " .. tostring(err.message)
            elseif out then tally.charts = tally.charts + 1
            else tally.client_errors = tally.client_errors + 1 end
          elseif info and info.code == "internal" then
            problem = "internal: " .. tostring(info.message)
          else
            tally.client_errors = tally.client_errors + 1
          end
          if problem and #failures < 15 then
            failures[#failures + 1] = ("%s | %s\n  %s"):format(path:match("[^/]+$"), table.concat(said, " | "), problem)
          end
        end
      end
    end
    print(("\ngenerated conversations: %d turns on %d datasets, %d charts, %d client errors"):format(
      tally.turns, #files, tally.charts, tally.client_errors))
    assert.are.same({}, failures)
    -- most turns must draw, or the generator tests the error path only
    assert.is_true(tally.charts >= tally.turns / 2, ("only %d of %d turns drew"):format(tally.charts, tally.turns))
  end)
end)
