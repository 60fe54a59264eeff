-- Totality of the offline planner over data it has never seen: request templates filled with
-- every column (and pairs of columns) of every CSV of vega-datasets plus a few of its JSON
-- tables. Every request must plan to a spec that validates against the data, or come back as a
-- plain error message — never raise (a raise reaches the client as `internal`).
local cjson = require "cjson"
local frame = require "data.frame"
local offline = require "planner.offline"
local validate = require "chartspec.validate"

local DIR = "node_modules/vega-datasets/data"
-- Rows kept of each table: enough for its columns' types and spread, few enough to stay fast.
local ROWS = 150
-- The sanitizer build (ASan preloaded, ~3x slower) checks the C side, not these rules again:
-- there every third column.
local SANITIZED = (os.getenv("LD_PRELOAD") or ""):find("asan", 1, true) ~= nil
local EVERY = SANITIZED and 3 or 1
local JSON_TABLES = { "cars.json", "penguins.json", "barley.json", "jobs.json", "movies.json", "gapminder.json",
  "wheat.json", "seattle-weather.csv" }

local function read(name)
  local f = io.open(DIR .. "/" .. name, "rb")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  return text
end

local function load(name)
  local text = read(name)
  if not text then return nil end
  if name:match("%.json$") then
    local ok, rows = pcall(cjson.decode, text)
    if not ok or type(rows) ~= "table" or type(rows[1]) ~= "table" then return nil end
    local values = {}
    for i = 1, math.min(#rows, ROWS) do values[i] = rows[i] end
    return frame.from_data({ values = values }, "data")
  end
  local lines, n = {}, 0
  for line in text:gmatch("[^\n]+") do
    n = n + 1
    lines[n] = line
    if n > ROWS then break end
  end
  return frame.from_data(table.concat(lines, "\n"), "data")
end

local function datasets()
  local names = {}
  local p = io.popen("ls " .. DIR .. " 2>/dev/null")
  for f in p:lines() do if f:match("%.csv$") then names[#names + 1] = f end end
  p:close()
  for _, f in ipairs(JSON_TABLES) do names[#names + 1] = f end
  return names
end

-- {a} and {b} are column names (b the next column), as people write them: lower case.
local ONE = { "{a}", "{a} over time", "{a} by year", "average {a}", "total {a} per month", "distribution of {a}",
  "histogram of {a}", "{a} as a pie", "pie chart of {a}", "box plot of {a}", "per {a} as box plots",
  "heatmap of {a}", "which {a} has the most", "top 10 {a}", "biggest {a}", "how many {a}", "number of {a}",
  "count by {a}", "line chart of {a}", "area chart of {a}", "scatter of {a}", "{a} trend", "sort by {a}",
  "{a} per state", "which company has the highest {a}", "show me something interesting about {a}" }
local TWO = { "{a} vs {b}", "scatter of {a} against {b}", "{a} by {b}", "average {a} per {b}", "{b} over {a}",
  "box plot of {a} by {b}", "heatmap of {a} and {b}", "pie of {a} by {b}", "top 5 {b} by {a}",
  "which {b} has the highest {a}", "{a} over time colored by {b}", "line of {a} and {b}",
  "scatter of max {a} vs min {b}", "stacked bars of {a} by {b}", "{a} per {b} as box plots" }
local VAGUE = { "show me something interesting", "overview", "what's in here?", "chart this", "plot",
  "make a scatter", "box plots please", "a pie", "heatmap", "over time", "histogram", "by state",
  "which one is the biggest", "top 10", "compare them" }

local function fill(t, a, b)
  return (t:gsub("{a}", (a:lower():gsub("%%", "%%%%"))):gsub("{b}", ((b or a):lower():gsub("%%", "%%%%"))))
end

describe("the offline planner over every vega-datasets table", function()
  it("plans every templated request to a valid spec or a plain error, never a raise", function()
    local tally, failures, tables = { planned = 0, refused = 0 }, {}, 0
    local function try(name, df, prompt)
      local ok, spec, info = pcall(offline.plan, prompt, df, {})
      local problem
      if not ok then
        problem = "raised: " .. tostring(spec)
      elseif not spec then
        if type(info) ~= "string" and type(info) ~= "table" then problem = "no spec and no message" end
        tally.refused = tally.refused + 1
      else
        spec.data = df
        local valid, errs = validate.spec(spec)
        if not valid then
          problem = "invalid: " .. tostring(errs[1] and errs[1].message)
        end
        tally.planned = tally.planned + 1
      end
      if problem and #failures < 15 then failures[#failures + 1] = ("%s | %q → %s"):format(name, prompt, problem) end
    end
    for _, name in ipairs(datasets()) do
      local df = load(name)
      if df then
        tables = tables + 1
        for i, col in ipairs(df.names) do
          if i % EVERY == 0 or EVERY == 1 then
            local nxt = df.names[i % #df.names + 1]
            for _, t in ipairs(ONE) do try(name, df, fill(t, col)) end
            for _, t in ipairs(TWO) do try(name, df, fill(t, col, nxt)) end
          end
        end
        for _, t in ipairs(VAGUE) do try(name, df, t) end
      end
    end
    assert.is_true(tables >= 20, "vega-datasets not installed (npm ci)")
    assert.same({}, failures)
    -- most requests name something drawable: the planner must not refuse its way to totality
    assert.is_true(tally.planned > 10 * tally.refused)
  end)
end)
