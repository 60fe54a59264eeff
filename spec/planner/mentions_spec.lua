-- Column mentions at the edges: names that end in a stop word ("… Mode"), a misspelt
-- longer name that contains a shorter one, function words glued to a near-name, and
-- axis words without "axis". Column names unlike the eval datasets on purpose.
local frame = require "data.frame"
local offline = require "planner.offline"

local rows = { "Travel Mode,Fare Forecast,Fare,Country,Category,Trip Length" }
local modes, cats = { "Rail", "Bus", "Ferry", "Plane" }, { "Leisure", "Business", "Family" }
for i = 1, 40 do
  rows[#rows + 1] = string.format("%s,%d,%d,Norway,%s,%d", modes[i % 4 + 1], 20 + i * 3, 18 + (i * 7) % 50,
    cats[i % 3 + 1], 30 + (i * 13) % 200)
end
local df = assert(frame.from_data(table.concat(rows, "\n"), "data"))
local prof = offline.profile(df)

local function names(prompt)
  local out = {}
  for _, m in ipairs(offline.mentions(offline.tokenize(prompt), prof)) do out[#out + 1] = m.col.name end
  return out
end

local function reading(prompt)
  local spec = assert(offline.plan(prompt, df))
  local enc = spec.encoding
  local function f(ch) return enc[ch] and enc[ch].field or nil end
  return { spec.type, f("x"), f("y"), f("color"), (enc.y and enc.y.aggregate) or "none" }
end

describe("planner.offline mentions", function()
  it("reads a name whose last word is a stop word, but not that word alone", function()
    assert.same({ "Fare", "Travel Mode" }, names("avg fare per travelling mode"))
    assert.same({ "Fare" }, names("fare in dark mode"))
  end)

  it("prefers a misspelt longer name over the exact shorter name inside it", function()
    assert.same({ "Fare Forecast", "Category" }, names("mean fare forcast by category"))
    assert.same({ "Fare", "Category" }, names("mean fare by category"))
  end)

  it("does not glue a function word onto a near-name", function()
    -- "count by" is one letter from "country"
    assert.same({ "Category" }, names("count by category"))
    assert.same({ "bar", "Category", nil, nil, "count" }, reading("count by category"))
  end)

  it("takes 'on x' / 'on the y' as axis words", function()
    assert.same({ "scatter", "Fare", "Fare Forecast", nil, "none" }, reading("fare forecast on the y, fare on x"))
    assert.same({ "scatter", "Fare Forecast", "Fare", nil, "none" }, reading("Scatter: fare forecast on x, fare on y"))
  end)

  it("reads 'how long' as a duration column", function()
    assert.same({ "histogram", "Trip Length", nil, nil, "count" }, reading("how long is each journey? histogram"))
  end)

  it("reads a whole-number column as a measure when the request asks for a relationship", function()
    local days = { "Wait Days,Margin,Region" }
    for i = 1, 60 do
      days[#days + 1] = string.format("%d,%.2f,%s", i % 7 + 1, 3.5 * (i % 11) - 12.25, modes[i % 4 + 1])
    end
    local d = assert(frame.from_data(table.concat(days, "\n"), "data"))
    local spec = assert(offline.plan("relationship between wait days and margin", d))
    assert.same({ "scatter", "Wait Days", "Margin" }, { spec.type, spec.encoding.x.field, spec.encoding.y.field })
    -- a stated aggregate still groups by the whole-number column
    spec = assert(offline.plan("average margin vs wait days", d))
    assert.same({ "bar", "Wait Days", "Margin", "mean" },
      { spec.type, spec.encoding.x.field, spec.encoding.y.field, spec.encoding.y.aggregate })
  end)
end)
