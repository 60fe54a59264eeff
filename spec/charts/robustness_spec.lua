-- Every chart type against the inputs the catalogue issue names: one data row,
-- 100,000 rows, each required encoding missing, an empty table, and numbers at the ends of
-- the double range (±1e308 alternating, 1.7e308, 1e200 whose squares overflow, 1e-308, ±1.8e308
-- everywhere, subnormals, the largest with the smallest). Each ends
-- in a chart or a client error naming the field, never an internal error, a
-- crash or a hang. Built from each type's own sample, so a new type is covered
-- the day it is added.
local charts = require "charts"
local pipeline = require "pipeline"
local clock = require "chartd.clock"

local copy = require("util.tables").deep_copy

-- The sample at a small size, with its rows replaced.
local function with_rows(t, rows)
  local spec = copy(charts.get(t).sample)
  spec.width, spec.height, spec.format = 320, 240, "png"
  spec.data = { values = rows }
  return spec
end

local function sample_rows(t)
  local values = charts.get(t).sample.data.values
  assert(type(values) == "table" and #values > 0, t .. ": the sample has records")
  return values
end

-- n rows cycling through the sample's, numbers nudged so they are not all
-- repeats (a steady drift keeps sums and sort orders meaningful).
local function many_rows(t, n)
  local base, rows = sample_rows(t), {}
  for i = 1, n do
    local src, row = base[(i - 1) % #base + 1], {}
    for k, v in pairs(src) do
      row[k] = (math.type(v) == "float" and v > 0) and v * (1 + (i % 97) / 1000) or v
    end
    rows[i] = row
  end
  return rows
end

local function outcome(spec)
  local result, err = pipeline.render(spec)
  if result then
    assert.equal("\137PNG", result.bytes:sub(1, 4))
    assert.is_string(result.alt)
    return "chart"
  end
  assert.is_table(err)
  assert.are_not.equal("internal", err.code, ("internal error: %s"):format(tostring(err.message)))
  assert.is_string(err.message)
  return err.code, err
end

for _, t in ipairs(charts.names()) do
  describe("charts." .. t .. " robustness", function()
    it("draws one row or says why not", function()
      outcome(with_rows(t, { copy(sample_rows(t)[1]) }))
    end)

    it("draws 100,000 rows in bounded time", function()
      local spec = with_rows(t, many_rows(t, 100000))
      local t0 = clock.now_ms()
      local code = outcome(spec)
      -- Generous: catches a quadratic path (minutes), not a slow machine.
      assert.is_true(clock.now_ms() - t0 < 60000, t .. " took " .. (clock.now_ms() - t0) .. " ms")
      assert.equal("chart", code)
    end)

    it("names each missing required encoding", function()
      for _, ch in ipairs(charts.get(t).encodings.required or {}) do
        local spec = with_rows(t, copy(sample_rows(t)))
        spec.encoding[ch] = nil
        local code, err = outcome(spec)
        assert.are_not.equal("chart", code, t .. " drew without encoding." .. ch)
        assert.truthy(tostring(err.path):find("encoding." .. ch, 1, true),
          ("%s without %s: error at %s: %s"):format(t, ch, tostring(err.path), err.message))
      end
    end)

    it("draws finite extremes or says why, never internal", function()
      local base = sample_rows(t)
      local EXTREMES = {
        alternating = function(i) return i % 2 == 0 and 1e308 or -1e308 end,
        near_max = function(i) return 1.7e308 - i * 1e292 end,
        squares_overflow = function(i) return 1e200 * (1 + i % 3) end,
        tiny = function(i) return 1e-308 * (1 + i % 5) end,
        -- every value the largest double: sums overflow, one-point domains have no room to widen
        all_max = function() return 1.7976931348623157e308 end,
        all_min = function() return -1.7976931348623157e308 end,
        subnormal = function(i) return 5e-324 * (1 + i % 3) end, -- nice log ends underflow to 0
        max_and_tiny = function(i) return i % 3 == 0 and -5e-324 or 1.7e308 end, -- a nice bin edge past the range
      }
      for name, value in pairs(EXTREMES) do
        local rows = {}
        for i, src in ipairs(base) do
          local row = {}
          for k, v in pairs(src) do row[k] = type(v) == "number" and value(i) or v end
          rows[i] = row
        end
        local code, err = outcome(with_rows(t, rows))
        if code ~= "chart" then
          assert.is_nil(tostring(err.message):find("/", 1, true) and tostring(err.message):find("%.lua"),
            t .. " " .. name .. ": a message names a source file: " .. tostring(err.message))
        end
      end
    end)

    it("refuses an empty table of rows", function()
      local code, err = outcome(with_rows(t, {}))
      assert.equal("invalid_data", code)
      assert.truthy(tostring(err.path):find("^data"))
    end)
  end)
end
