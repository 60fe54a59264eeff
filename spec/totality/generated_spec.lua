-- Totality of the render path over valid specs: a seeded generator writes chart specs for
-- every chart type (channel combinations, any field on any channel, forced field types,
-- aggregates, bins, time units, sorts, scales and each type's own options) over real
-- datasets, and every one must end in a chart or a client error — never `internal`. An LLM
-- may answer any spec that validates, so "validates" must mean "renders or says why not".
-- CHARTD_GEN_CASES and CHARTD_GEN_SEED change the run (defaults: fixed seed, CI-sized).
local charts = require "charts"
local csv = require "chartd.csv"
local frame = require "data.frame"
local pipeline = require "pipeline"
local rng = require "charts.shared.sample_rng"
local validate = require "chartspec.validate"

local DATA = os.getenv("CHARTD_SHARED_DATA") or "../shared/data"
-- The sanitizer build (ASan preloaded, ~3x slower) checks the C side, not the Lua logic
-- again: a third of the cases there.
local SANITIZED = (os.getenv("LD_PRELOAD") or ""):find("asan", 1, true) ~= nil
local CASES = tonumber(os.getenv("CHARTD_GEN_CASES")) or (SANITIZED and 1000 or 3000)
local SEED = tonumber(os.getenv("CHARTD_GEN_SEED")) or 20261205
-- Rows kept of each dataset: enough for every column's types and spread, small enough that
-- thousands of renders stay within a CI minute.
local ROWS = 150
local DATASETS = { "cars.csv", "movies.csv", "superstore.csv" }

-- A dataset as columns + rows of its first ROWS records (the CSV's own text cells).
local function load(name)
  local f = assert(io.open(DATA .. "/" .. name, "rb"), "missing dataset " .. DATA .. "/" .. name)
  local rows = assert(csv.parse(f:read("a")))
  f:close()
  local out = {}
  for i = 2, math.min(#rows, ROWS + 1) do out[#out + 1] = rows[i] end
  local data = { columns = rows[1], rows = out }
  local df = assert(frame.from_data(data, "data"))
  return { name = name, data = data, names = df.names, types = df.types }
end

local TYPES = validate.TYPES
local AGGREGATES = validate.AGGREGATES
local UNITS = validate.TIME_UNITS
local SORTS = validate.SORTS
local SCALES = { { type = "log" }, { type = "sqrt" }, { type = "symlog" }, { zero = false }, { reverse = true },
  { nice = false }, { domain = { 0, 100 } }, { type = "linear", zero = true }, { scheme = "viridis" } }

local function pick(r, list) return list[math.floor(r() * #list) + 1] end
local function chance(r, p) return r() < p end

-- One channel: a field of the dataset (its own type mostly, any type sometimes) and the
-- transforms Vega-Lite lets a channel carry.
local function channel(r, ds)
  local field = pick(r, ds.names)
  local ch = { field = field }
  if chance(r, 0.8) then ch.type = chance(r, 0.7) and ds.types[field] or pick(r, TYPES) end
  if chance(r, 0.3) then
    ch.aggregate = pick(r, AGGREGATES)
    if ch.aggregate == "count" and chance(r, 0.5) then ch.field, ch.type = nil, nil end
  end
  if chance(r, 0.12) then ch.bin = chance(r, 0.5) or { maxbins = math.floor(r() * 40) + 1 } end
  if chance(r, 0.12) then ch.timeUnit = pick(r, UNITS) end
  if chance(r, 0.15) then
    ch.sort = chance(r, 0.8) and pick(r, SORTS) or { "b", "a", 3 }
  end
  if chance(r, 0.12) then ch.scale = pick(r, SCALES) end
  return ch
end

local function option_value(r, kind, ds)
  if type(kind) == "table" then return pick(r, kind) end
  if kind == "boolean" then return chance(r, 0.5) end
  if kind == "number" then return pick(r, { 0, 0.5, 1, 3, 12, 100, -5 }) end
  if kind == "string" then return "Total" end
  if kind == "array" then
    local list = {}
    for i = 1, math.floor(r() * 5) do list[i] = pick(r, ds.names) end
    return list
  end
end

local function options_for(r, chart, ds)
  local out = {}
  local names = {}
  for k in pairs(chart.options or {}) do names[#names + 1] = k end
  table.sort(names)
  for _, k in ipairs(names) do
    if chance(r, 0.4) then out[k] = option_value(r, chart.options[k], ds) end
  end
  return out
end

local function spec_for(r, type_name, ds)
  local chart = charts.get(type_name)
  local options = options_for(r, chart, ds)
  local enc_decl = chart.encodings_for and chart.encodings_for(options) or chart.encodings
  local encoding = {}
  for _, ch in ipairs(enc_decl.required or {}) do encoding[ch] = channel(r, ds) end
  for _, ch in ipairs(enc_decl.optional or {}) do
    if chance(r, 0.4) then encoding[ch] = channel(r, ds) end
  end
  return { type = type_name, data = ds.data, encoding = encoding, options = options,
    width = 240, height = 180, format = "png" }
end

describe("generated specs over real datasets", function()
  it(("end in a chart or a client error, never internal (%d cases, seed %d)"):format(CASES, SEED), function()
    local sets = {}
    for i, name in ipairs(DATASETS) do sets[i] = load(name) end
    local names = charts.names()
    local r = rng.lcg(SEED)
    local tally = { valid = 0, chart = 0, refused_valid = 0, invalid = 0 }
    local failures = {}
    for n = 1, CASES do
      local type_name = names[(n - 1) % #names + 1] -- every type alike
      local ds = sets[math.floor(r() * #sets) + 1]
      local spec = spec_for(r, type_name, ds)
      local valid = validate.spec(spec) ~= nil
      local ok, result, err = pcall(pipeline.render, spec)
      local code = not ok and "raised" or (result and "chart") or err.code
      if code == "raised" or code == "internal" then
        if #failures < 20 then
          spec.data = ds.name
          failures[#failures + 1] = ("%s: %s\n  %s"):format(code, tostring(ok and err.message or result),
            require("util.json").encode(spec))
        end
      end
      if valid then
        tally.valid = tally.valid + 1
        if code == "chart" then tally.chart = tally.chart + 1 else tally.refused_valid = tally.refused_valid + 1 end
      else
        tally.invalid = tally.invalid + 1
      end
    end
    print(("\ngenerated specs: %d cases, %d valid (%d drawn, %d refused with a client error), %d invalid"):format(
      CASES, tally.valid, tally.chart, tally.refused_valid, tally.invalid))
    assert.are.same({}, failures)
    -- The generator must mostly write valid specs, or it tests the validator only.
    assert.is_true(tally.valid >= CASES / 3, ("only %d of %d generated specs validate"):format(tally.valid, CASES))
  end)
end)

describe("a measure on x and categories on y (Vega-Lite's horizontal bar)", function()
  local CSV = "region,revenue\nEU,10\nUS,20\nEU,5\n"
  for _, horizontal in ipairs({ true, false }) do
    it("draws horizontal bars of the summed measure, options.horizontal " .. tostring(horizontal), function()
      local result, err = pipeline.render({ type = "bar", data = CSV, options = { horizontal = horizontal },
        encoding = { y = { field = "region", type = "nominal" },
          x = { field = "revenue", type = "quantitative", aggregate = "sum" } } })
      assert.is_nil(err)
      assert.are.same({ { "EU", 15 }, { "US", 20 } }, result.data_summary.rows)
      assert.are.same({ "region", "revenue" }, result.data_summary.columns)
      assert.truthy(result.alt:find("sum of revenue by region", 1, true), result.alt)
    end)
  end
  it("refuses two category channels with a client error naming the path", function()
    local _, err = pipeline.render({ type = "bar", data = CSV,
      encoding = { x = { field = "region", type = "nominal" }, y = { field = "region", type = "nominal" } } })
    assert.are.same({ "invalid_spec", "encoding.y.type" }, { err.code, err.path })
    assert.equal('encoding.y.type: the bar chart\'s values need a quantitative field; "region" is nominal',
      err.message)
  end)
end)

describe("an internal error", function()
  it("reaches the client without a file path or line, and keeps them for the operator", function()
    local bar = require "charts.bar"
    local layout = bar.layout
    bar.layout = function() local t = nil; return t.field end -- a bug, as a chart module could have
    local _, err = pipeline.render({ type = "bar", data = "k,v\na,1\n",
      encoding = { x = { field = "k" }, y = { field = "v" } } })
    bar.layout = layout
    assert.equal("internal", err.code)
    assert.equal("layout failed: attempt to index a nil value (local 't')", err.message)
    assert.truthy(err.detail:find("generated_spec.lua:%d+: attempt to index"), err.detail)
  end)
end)
