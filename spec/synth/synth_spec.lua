-- lua/synth: seeded, believable data for a planned spec without data.
local offline = require "planner.offline"
local prng = require "synth.prng"
local synth = require "synth"

local TODAY = { year = 2026, month = 3, day = 15 }

local function planned(prompt, seed)
  local spec = offline.plan(prompt, nil, { today = TODAY })
  local needs = spec.needs
  spec.needs = nil
  local data, facts = synth.generate(spec, needs, { seed = seed or 7, prompt = prompt, today = TODAY })
  return data.values, spec, facts
end

local function distinct(rows, field)
  local seen, out = {}, {}
  for _, r in ipairs(rows) do
    if not seen[r[field]] then seen[r[field]] = true; out[#out + 1] = r[field] end
  end
  return out
end

describe("synth.prng", function()
  it("repeats a sequence for a seed and differs between seeds", function()
    local a, b, c = prng.new(42), prng.new(42), prng.new(43)
    local same, differ = true, false
    for _ = 1, 100 do
      local x, y, z = a:uniform(), b:uniform(), c:uniform()
      if x ~= y then same = false end
      if x ~= z then differ = true end
      assert.is_true(x >= 0 and x < 1)
    end
    assert.is_true(same)
    assert.is_true(differ)
  end)

  it("hashes a prompt to a stable 31-bit seed", function()
    assert.are.equal(prng.hash("revenue by month"), prng.hash("revenue by month"))
    assert.are_not.equal(prng.hash("revenue by month"), prng.hash("revenue by week"))
    assert.is_true(prng.hash("x") >= 0 and prng.hash("x") <= 0x7fffffff)
  end)

  it("draws normals with the asked mean and spread", function()
    local r, n, sum, sq = prng.new(1), 20000, 0, 0
    for _ = 1, n do
      local v = r:normal(10, 2)
      sum, sq = sum + v, sq + v * v
    end
    local mean = sum / n
    assert.is_true(math.abs(mean - 10) < 0.05)
    assert.is_true(math.abs(math.sqrt(sq / n - mean * mean) - 2) < 0.05)
  end)
end)

describe("synth.generate", function()
  it("gives 8 quarters x 3 named regions for a quarterly request", function()
    local rows, spec = planned("quarterly revenue 2023–2024 for EMEA, APAC and Americas as a stacked bar")
    assert.are.equal(24, #rows)
    assert.are.same({ "EMEA", "APAC", "Americas" }, distinct(rows, spec.encoding.color.field))
    assert.are.same({ "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4" },
      distinct(rows, spec.encoding.x.field))
    for _, r in ipairs(rows) do
      local v = r.revenue
      assert.is_true(v == v and v > 0 and v < 1e9, "revenue in range: " .. tostring(v))
    end
  end)

  it("is the same for the same seed and differs for another", function()
    local p = "monthly active users in 2024"
    local a, b, c = planned(p, 11), planned(p, 11), planned(p, 12)
    assert.are.same(a, b)
    assert.are_not.same(a, c)
    assert.are.equal(12, #a)
    assert.are.equal("2024-01", a[1].month)
    assert.are.equal("2024-12", a[12].month)
    for _, r in ipairs(a) do assert.are.equal(math.type(r["active users"]), "integer") end
  end)

  it("covers the last N months before today", function()
    local rows = planned("revenue by month over the last 6 months")
    assert.are.same({ "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02" }, distinct(rows, "month"))
  end)

  it("makes shares of a pie that sum to exactly 100", function()
    local rows, spec, facts = planned("market share by browser")
    assert.are.equal("pie", spec.type)
    assert.are.equal(100, facts.total)
    local sum = 0
    for _, r in ipairs(rows) do
      assert.is_true(r["market share"] > 0)
      sum = sum + r["market share"]
    end
    assert.is_true(math.abs(sum - 100) < 1e-9, "sum " .. sum)
    -- the five biggest browsers and the rest of the market
    assert.are.same({ "Chrome", "Safari", "Edge", "Firefox", "Samsung Internet", "Other" }, distinct(rows, "browser"))
  end)

  it("samples a right-skewed distribution for a histogram of salaries", function()
    local rows = planned("distribution of salaries")
    assert.are.equal(synth.HIST_SAMPLES, #rows)
    local values = {}
    for i, r in ipairs(rows) do values[i] = r.salaries end
    table.sort(values)
    local sum = 0
    for _, v in ipairs(values) do sum = sum + v end
    assert.is_true(values[1] >= 15000)
    -- log-normal: the mean sits above the median
    assert.is_true(sum / #values > values[#values // 2])
  end)

  it("correlates the pair of a scatter plot", function()
    local rows = planned("height vs weight")
    local n, sx, sy, sxx, syy, sxy = #rows, 0, 0, 0, 0, 0
    for _, r in ipairs(rows) do
      sx, sy = sx + r.weight, sy + r.height
      sxx, syy, sxy = sxx + r.weight ^ 2, syy + r.height ^ 2, sxy + r.weight * r.height
    end
    local r = (n * sxy - sx * sy) / math.sqrt((n * sxx - sx ^ 2) * (n * syy - sy ^ 2))
    assert.are.equal(synth.SCATTER_POINTS, n)
    assert.is_true(r > 0.4, "correlation " .. r)
    for _, row in ipairs(rows) do assert.is_true(row.height >= 120 and row.height <= 220) end
  end)

  it("keeps temperatures in range and warmer in July than January", function()
    local rows = planned("daily temperature in 2023")
    assert.are.equal(365, #rows)
    local jan, jul = 0, 0
    for _, r in ipairs(rows) do
      assert.is_true(r.temperature >= -30 and r.temperature <= 45)
      if r.date:sub(6, 7) == "01" then jan = jan + r.temperature / 31 end
      if r.date:sub(6, 7) == "07" then jul = jul + r.temperature / 31 end
    end
    assert.is_true(jul - jan > 8, ("July %.1f, January %.1f"):format(jul, jan))
  end)

  it("follows each place's climate: its level, and the seasons of its hemisphere", function()
    local function monthly(prompt, field)
      local rows, spec = planned(prompt)
      local out = {}
      for _, r in ipairs(rows) do
        local key = (field and (r[field] .. " ") or "") .. r[spec.encoding.x.field]:sub(6, 7)
        out[key] = r.temperature
      end
      return out
    end
    local sydney = monthly("average temperature in Sydney by month in 2025")
    assert.is_true(sydney["01"] - sydney["07"] > 6, ("Sydney: January %s, July %s"):format(sydney["01"], sydney["07"]))
    local cities = monthly("monthly temperature in Moscow, Dubai and Singapore in 2025", "city")
    assert.is_true(cities["Dubai 01"] - cities["Moscow 01"] > 20, "Dubai is warmer than Moscow in January")
    assert.is_true(cities["Moscow 07"] - cities["Moscow 01"] > 18, "Moscow's seasons")
    assert.is_true(math.abs(cities["Singapore 07"] - cities["Singapore 01"]) < 4, "Singapore has none")
  end)

  it("keeps hourly temperatures and activity to the hours of a day", function()
    local temps = planned("hourly temperature in Berlin yesterday")
    local visits = planned("visitors per hour yesterday")
    assert.are.equal(24, #temps)
    local function at(rows, field, h) return rows[h + 1][field] end
    -- warmest in the afternoon, coolest before dawn; people visit by day
    assert.is_true(at(temps, "temperature", 15) > at(temps, "temperature", 4))
    assert.is_true(at(visits, "visitors", 14) > 2 * at(visits, "visitors", 3))
  end)

  it("gives every box-plot group its samples", function()
    local rows = planned("box plot of latency by region")
    assert.are.equal(5 * synth.BOX_SAMPLES, #rows)
    assert.are.equal(5, #distinct(rows, "region"))
  end)

  it("follows an LLM-style spec's own field names, with the request's categories", function()
    local spec = { type = "bar", encoding = { x = { field = "Sales Region", type = "nominal" },
      y = { field = "Net Sales", type = "quantitative", aggregate = "sum" } } }
    local needs = offline.plan("sales for North, South and West", nil).needs
    local data = synth.generate(spec, needs, { seed = 3, today = TODAY })
    assert.are.same({ "North", "South", "West" }, distinct(data.values, "Sales Region"))
    for _, r in ipairs(data.values) do assert.is_true(r["Net Sales"] > 0) end
  end)

  it("derives the default seed from the prompt", function()
    assert.are.equal(synth.seed(nil, "abc"), prng.hash("abc"))
    assert.are.equal(5, synth.seed(5, "abc"))
  end)
end)
