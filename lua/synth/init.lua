-- Data synthesis: believable, seeded data for a planned spec that came without data. The
-- spec's encoding says which fields exist and what they are; the offline planner's `needs`
-- (periods, named categories) says which values the request asked for.
local frame = require "data.frame"
local json = require "util.json"
local prng = require "synth.prng"
local periods = require "synth.periods"
local vocab = require "synth.vocab"

local M = {}

M.HIST_SAMPLES = 400
M.BOX_SAMPLES = 80
M.SCATTER_POINTS = 150

local function channel_need(needs, name)
  return needs and needs[name] or nil
end

-- The encodings' fields by role: dims (nominal/ordinal/temporal) and measures (quantitative).
local function fields(spec)
  local enc = spec.encoding or {}
  local dims, measures = {}, {}
  for _, ch in ipairs { "x", "y", "color", "column", "row", "size", "theta" } do
    local e = enc[ch]
    if type(e) == "table" and type(e.field) == "string" and e.field ~= "" then
      local t = e.type
      if t == nil then t = (e.timeUnit and "temporal") or (ch == "color" and "nominal") or "quantitative" end
      local entry = { channel = ch, field = e.field, type = t, enc = e }
      if t == "quantitative" then measures[#measures + 1] = entry else dims[#dims + 1] = entry end
    end
  end
  return dims, measures
end

-- Named categories from needs: the channel's own first, then any other channel's (an LLM
-- may have put the regions on x where the offline planner put them on color).
local function named_categories(needs, ch, used)
  local own = channel_need(needs, ch)
  if own and own.categories and not used[own.categories] then return own.categories, own end
  for _, k in ipairs { "color", "x", "y", "column", "row" } do
    local n = channel_need(needs, k)
    if n and n.categories and not used[n.categories] then return n.categories, n end
  end
  return nil
end

-- The values of each dim: periods for temporal ones, categories for the others. A dim of
-- a named kind ("smartphone brands") is `ranked`: its first values are the biggest.
local function dim_values(dims, needs, spec, today, nseries)
  local used = {}
  for _, d in ipairs(dims) do
    if d.type == "temporal" then
      local need = channel_need(needs, d.channel)
      if not (need and need.ranges) then need = channel_need(needs, "x") end
      local unit = periods.unit(d.enc.timeUnit) or (need and periods.unit(need.unit)) or "month"
      d.values, d.unit = periods.list(unit, need, today)
    else
      local cats, from = named_categories(needs, d.channel, used)
      if cats then used[cats] = true end
      local n = (d.channel == "color" and spec.type ~= "pie" and spec.type ~= "donut") and nseries or 5
      local list, kind = cats, nil
      if not list then list, kind = vocab.categories(d.field, n) end
      d.ranked = (from and from.ranked) or (kind and not kind.ordered) or false
      d.values = {}
      for i, c in ipairs(list) do d.values[i] = { label = c } end
    end
  end
end

-- Rounds a value the way the measure is usually written.
local function tidy(v, prof)
  if v ~= v or v == math.huge or v == -math.huge then v = prof.base end
  if prof.lo and v < prof.lo then v = prof.lo end
  if prof.hi and v > prof.hi then v = prof.hi end
  if prof.integer or math.abs(v) >= 1000 then return math.floor(v + 0.5) end
  if math.abs(v) >= 10 then return math.floor(v * 10 + 0.5) / 10 end
  return math.floor(v * 100 + 0.5) / 100
end

-- How long a period is in months, so flows (revenue per day vs per year) scale.
local MONTHS = { year = 12, quarter = 3, month = 1, week = 7 / 30.4, day = 1 / 30.4, hour = 1 / 730 }

-- One sample of a measure's distribution around `center`.
local function sample(rng, prof, center, shape)
  if shape == "lognormal" or (shape == nil and prof.skewed) then
    return rng:lognormal(center, prof.sd)
  end
  if prof.additive then return rng:normal(center, math.max(prof.sd * math.abs(prof.base), 1e-9)) end
  return rng:normal(center, prof.sd * center)
end

-- The parts of a whole over time, before they are scaled to 100: positive, slow to change.
local SHARE_SERIES = { base = 100, sd = 0.1, lo = 0.1, calm = true }

-- How much day-to-day noise a natural measure keeps at each grain (averages are calmer).
local NATURE_NOISE = { hour = 0.25, day = 1, week = 0.6, month = 0.4, quarter = 0.3, year = 0.25 }

-- People are busy in the afternoon and asleep at night: the hour's share of a day, mean 1.
local function activity(h)
  return (0.3 + 1.2 * math.exp(-((h - 14) / 5) ^ 2)) / 0.74
end

-- A natural measure (a temperature) over periods: the place's yearly cycle, a daily one for
-- hourly points, and weather that drifts from one point to the next.
local function nature_series(rng, prof, level, pts, unit, climate)
  local out = {}
  local half = climate and climate.half_range or prof.season or 0
  local sd = (prof.noise or prof.sd * math.abs(prof.base) * 0.3) * (NATURE_NOISE[unit] or 0.5)
  local keep = unit == "hour" and 0.95 or 0.6
  local walk = 0
  for i, p in ipairs(pts) do
    local yearfrac = (p.m - 1 + (p.d - 1) / 30.4) / 12
    local daily = unit == "hour" and (prof.diurnal or 0) * math.cos(2 * math.pi * ((p.h or 0) - 15) / 24) or 0
    walk = walk * keep + rng:normal(0, sd)
    out[i] = level + half * math.cos(2 * math.pi * (yearfrac - 0.55)) + daily + walk
  end
  return out
end

-- A series over periods: trend × seasonality × noise (multiplicative), or the same added
-- for measures that live near a level (rates, scores). Human activity is quieter at
-- weekends and at night.
local function series(rng, prof, level, pts, unit, climate)
  if prof.rhythm == "nature" and prof.additive then return nature_series(rng, prof, level, pts, unit, climate) end
  local out = {}
  local growth = rng:range(-0.02, 0.16) -- per year
  local amp = prof.calm and rng:range(0.01, 0.03) or rng:range(0.06, 0.14)
  local phase = rng:range(0, 2 * math.pi)
  local noise = (prof.additive or prof.calm) and 0.03 or rng:range(0.03, 0.07)
  local human = prof.rhythm == "human"
  local walk = 0
  local t0 = pts[1] and (pts[1].y + (pts[1].m - 1) / 12 + (pts[1].d - 1) / 365) or 0
  for i, p in ipairs(pts) do
    local t = p.y + (p.m - 1) / 12 + (p.d - 1) / 365 + (p.h or 0) / 8760 - t0 -- years since start
    local yearfrac = (p.m - 1 + (p.d - 1) / 30.4) / 12 -- position in the year, 0..1
    local season = unit == "year" and 0 or amp * math.sin(2 * math.pi * yearfrac + phase)
    if human and (unit == "day" or unit == "hour") then
      local dow = (frame.days_from_civil(p.y, p.m, p.d) + 3) % 7 -- 0 = Monday
      season = 0.5 * season + ((dow >= 5) and -0.6 * amp or 0.25 * amp)
    end
    walk = walk * 0.6 + rng:normal(0, noise)
    local v
    if prof.additive then
      local spread = prof.sd * math.abs(prof.base)
      v = level + growth * t * spread + spread * season / amp * 0.5 + walk * spread * 3
    else
      v = level * (1 + growth) ^ t * (1 + season) * (1 + walk)
      if human and unit == "hour" then v = v * activity(p.h or 0) end
    end
    out[i] = v
  end
  return out
end

-- Every combination of the dims' values, first dim varying slowest.
local function cross(dims)
  local rows = { {} }
  for _, d in ipairs(dims) do
    local nxt = {}
    for _, r in ipairs(rows) do
      for _, v in ipairs(d.values) do
        local c = {}
        for k, x in pairs(r) do c[k] = x end
        c[d.field] = v
        nxt[#nxt + 1] = c
      end
    end
    rows = nxt
  end
  return rows
end

-- A level factor per category value, so bars and series differ believably; the values of
-- a ranked kind (the biggest first) fall off with their rank.
local function weight(rng, d, i)
  -- "Other" after the biggest few of a kind holds the long tail
  if d.ranked and i > 1 and i == #d.values and d.values[i].label == "Other" then return 1.6 * (i - 1) ^ -0.6 end
  if d.ranked then return i ^ -0.6 * rng:lognormal(1, 0.12) end
  return rng:lognormal(1, 0.35)
end

local function factors(rng, dims)
  local f = {}
  for _, d in ipairs(dims) do
    if d.type ~= "temporal" then
      f[d.field] = {}
      for i, v in ipairs(d.values) do f[d.field][v.label] = weight(rng, d, i) end
    end
  end
  return f
end

local function base_for(prof, unit)
  if prof.flow then return prof.base * (MONTHS[unit or "month"] or 1) end
  return prof.base
end

-- Rounds parts so they sum to exactly `total`: percentages to 0.1, others to whole numbers;
-- the largest part absorbs the rounding.
local function round_parts(values, total, percent)
  local function round(x) return percent and math.floor(x * 10 + 0.5) / 10 or math.floor(x + 0.5) end
  local acc, biggest = 0, 1
  for i, x in ipairs(values) do
    values[i] = round(x)
    acc = acc + values[i]
    if values[i] > values[biggest] then biggest = i end
  end
  values[biggest] = round(values[biggest] + (total - acc))
  return values
end

-- Parts summing to a whole: percentages sum to exactly 100, other measures to a total.
local function parts(rng, dim, m, prof)
  local weights, sum = {}, 0
  for i = 1, #dim.values do
    weights[i] = weight(rng, dim, i)
    sum = sum + weights[i]
  end
  local percent = prof.unit == "%"
  local total = percent and 100 or tidy(base_for(prof) * #dim.values, { integer = true })
  for i = 1, #weights do weights[i] = weights[i] / sum * total end
  round_parts(weights, total, percent)
  local rows = {}
  for i, v in ipairs(dim.values) do rows[i] = { [dim.field] = v.label, [m.field] = weights[i] } end
  return rows, total
end

-- Shares of a whole at each point of time: the values over the share dim sum to 100.
local function to_shares(rows, share_dim, field)
  local groups, order = {}, {}
  for _, r in ipairs(rows) do
    local key = {}
    for k, v in pairs(r) do
      if k ~= share_dim.field and k ~= field then key[#key + 1] = k .. "=" .. tostring(v) end
    end
    table.sort(key)
    local k = table.concat(key, "\0")
    if not groups[k] then groups[k] = {}; order[#order + 1] = k end
    table.insert(groups[k], r)
  end
  for _, k in ipairs(order) do
    local g, sum = groups[k], 0
    for _, r in ipairs(g) do sum = sum + math.max(r[field], 0) end
    local values = {}
    for i, r in ipairs(g) do values[i] = sum > 0 and math.max(r[field], 0) / sum * 100 or 100 / #g end
    round_parts(values, 100, true)
    for i, r in ipairs(g) do r[field] = values[i] end
  end
end

local function flat(rows, dims)
  for _, r in ipairs(rows) do
    for _, d in ipairs(dims) do
      if type(r[d.field]) == "table" then r[d.field] = r[d.field].label end
    end
  end
  return rows
end

-- generate(spec, needs, opts) → data ({ values = records }), facts.
-- opts: seed (integer), today ({ year, month, day }), prompt (for "negative"/"skewed" cues).
-- facts: { rows =, total = (parts of a whole), unit = (time axis) }.
function M.generate(spec, needs, opts)
  opts = opts or {}
  needs = needs or {}
  local rng = prng.new(opts.seed or 0)
  local words = (opts.prompt or ""):lower()
  local kind = spec.type
  local dims, measures = fields(spec)
  local today = periods.today(opts.today)
  dim_values(dims, needs, spec, today, 3)
  local unit
  for _, d in ipairs(dims) do if d.unit then unit = d.unit end end
  local facts = { unit = unit }
  local fahrenheit = needs.y and needs.y.unit == "°F"
  local shape = (words:find("skew") or words:find("log%-?normal")) and "lognormal"
    or (words:find("normal") or words:find("bell")) and "normal" or nil

  local rows
  if kind == "histogram" or (kind ~= "scatter" and #measures >= 1 and measures[1].enc.bin) then
    -- samples of one measure, per group if there is one
    local m = measures[1] or { field = "value" }
    local prof = vocab.profile(m.field)
    local groups = dims[1] and dims[1].values or { { label = false } }
    rows = {}
    local per = math.floor(M.HIST_SAMPLES / #groups)
    for _, g in ipairs(groups) do
      local center = prof.base * (g.label and rng:lognormal(1, 0.15) or 1)
      for _ = 1, per do
        local r = { [m.field] = tidy(sample(rng, prof, center, shape), prof) }
        if g.label then r[dims[1].field] = g.label end
        rows[#rows + 1] = r
      end
    end
  elseif kind == "box" and #measures >= 1 then
    local m = measures[1]
    local prof = vocab.profile(m.field)
    rows = {}
    for _, r in ipairs(cross(dims)) do
      local center = prof.base * rng:lognormal(1, 0.25)
      for _ = 1, M.BOX_SAMPLES do
        local c = {}
        for k, v in pairs(r) do c[k] = v end
        c[m.field] = tidy(sample(rng, prof, center, shape), prof)
        rows[#rows + 1] = c
      end
    end
    flat(rows, dims)
  elseif kind == "scatter" and #measures >= 2 then
    -- correlated pairs: z_y = r·z_x + √(1−r²)·e, mapped onto each measure's own scale
    local mx, my = measures[1], measures[2]
    for _, m in ipairs(measures) do
      if m.channel == "x" then mx = m elseif m.channel == "y" then my = m end
    end
    local px, py = vocab.profile(mx.field), vocab.profile(my.field)
    local r = rng:range(0.55, 0.85)
    if words:find("negative") or words:find("invers") then r = -r end
    facts.correlation = r
    local groups = dims[1] and dims[1].values or { { label = false } }
    local per = math.floor(M.SCATTER_POINTS / #groups)
    rows = {}
    local function place(prof, z, shift)
      if prof.skewed then return prof.base * shift * math.exp(prof.sd * z) end
      if prof.additive then return prof.base * shift + z * prof.sd * math.abs(prof.base) end
      return prof.base * shift * (1 + prof.sd * z)
    end
    for _, g in ipairs(groups) do
      local sx, sy = g.label and rng:lognormal(1, 0.15) or 1, g.label and rng:lognormal(1, 0.15) or 1
      for _ = 1, per do
        local zx = rng:normal()
        local zy = r * zx + math.sqrt(1 - r * r) * rng:normal()
        local row = { [mx.field] = tidy(place(px, zx, sx), px), [my.field] = tidy(place(py, zy, sy), py) }
        for _, m in ipairs(measures) do
          if m ~= mx and m ~= my then
            local pm = vocab.profile(m.field)
            row[m.field] = tidy(sample(rng, pm, pm.base), pm)
          end
        end
        if g.label then row[dims[1].field] = g.label end
        rows[#rows + 1] = row
      end
    end
  elseif (kind == "pie" or kind == "donut") and #dims >= 1 and #measures >= 1 then
    local m = measures[1]
    for _, x in ipairs(measures) do if x.channel == "theta" then m = x end end
    local prof, which = vocab.profile(m.field)
    -- a share of an unnamed measure reads best as percentages of 100
    if which == "generic" then prof = vocab.profile("percent") end
    rows, facts.total = parts(rng, dims[1], m, prof)
  else
    -- bars, lines, areas, heatmaps: one value per combination of the dims
    if #dims == 0 then
      dims = { { channel = "x", field = "category", type = "nominal", enc = {} } }
      dim_values(dims, needs, spec, today, 3)
    end
    local f = factors(rng, dims)
    local time
    for _, d in ipairs(dims) do if d.type == "temporal" then time = d end end
    rows = {}
    local combos = cross(dims)
    if #measures == 0 then
      -- a count of rows: each combination appears a believable number of times
      for _, c in ipairs(combos) do
        local w = 1
        for field, tf in pairs(f) do w = w * tf[c[field].label] end
        for _ = 1, math.max(1, math.floor(12 * w * rng:range(0.8, 1.2) + 0.5)) do
          local r = {}
          for k, v in pairs(c) do r[k] = v end
          rows[#rows + 1] = r
        end
      end
      flat(rows, dims)
    else
      local cache = {}
      local here = vocab.climate_in(opts.prompt)
      local shares = needs.y and needs.y.share
      for _, c in ipairs(combos) do
        -- a series key: the non-time dims; each series gets its own trend and season
        local key, w, climate = {}, 1, nil
        for _, d in ipairs(dims) do
          if d ~= time then
            key[#key + 1] = c[d.field].label
            w = w * f[d.field][c[d.field].label]
            climate = climate or vocab.climate(c[d.field].label)
          end
        end
        climate = climate or here
        local k = table.concat(key, "\0")
        local r = {}
        for name, v in pairs(c) do r[name] = v end
        for mi, m in ipairs(measures) do
          local prof = vocab.profile(m.field)
          -- shares over time: each part drifts slowly from its weight; the parts are summed to
          -- 100 at each point below
          if time and shares and prof.unit == "%" then prof = SHARE_SERIES end
          local level = prof.additive and (prof.base + (w - 1) * prof.sd * math.abs(prof.base) * 2)
            or base_for(prof, time and time.unit) * w
          if prof.rhythm == "nature" and climate then level = climate.mean end
          local v
          if time then
            local sk = k .. "\0" .. mi
            if not cache[sk] then
              cache[sk] = { values = series(rng, prof, level, time.values, time.unit, climate), i = 0 }
            end
            local s = cache[sk]
            s.i = s.i + 1
            v = tidy(s.values[s.i], prof)
          else
            v = tidy(level * (prof.additive and 1 or rng:range(0.92, 1.08)), prof)
          end
          r[m.field] = fahrenheit and prof.unit == "°C" and math.floor((v * 9 / 5 + 32) * 10 + 0.5) / 10 or v
        end
        rows[#rows + 1] = r
      end
      flat(rows, dims)
      -- shares of a whole: at each point of time, the parts sum to 100
      local share_dim = nil
      for _, d in ipairs(dims) do
        if d ~= time and (not share_dim or d.channel == "color") then share_dim = d end
      end
      local m = measures[1]
      if shares and share_dim and vocab.profile(m.field).unit == "%" then
        to_shares(rows, share_dim, m.field)
      end
    end
  end
  facts.rows = #rows
  return { values = json.array(rows) }, facts
end

-- The seed of a request: its own, else a hash of the prompt (same request → same chart).
function M.seed(request_seed, prompt)
  if math.tointeger(request_seed) then return math.tointeger(request_seed) end
  return prng.hash(prompt or "")
end

return M
