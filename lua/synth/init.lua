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

local function today_of(opts)
  if opts.today then return opts.today end
  local t = os.date("!*t")
  return { year = t.year, month = t.month, day = t.day }
end

-- Named categories from needs: the channel's own first, then any other channel's (an LLM
-- may have put the regions on x where the offline planner put them on color).
local function named_categories(needs, ch, used)
  local own = channel_need(needs, ch)
  if own and own.categories and not used[own.categories] then return own.categories end
  for _, k in ipairs { "color", "x", "y", "column", "row" } do
    local n = channel_need(needs, k)
    if n and n.categories and not used[n.categories] then return n.categories end
  end
  return nil
end

-- The values of each dim: periods for temporal ones, categories for the others.
local function dim_values(dims, needs, spec, today, nseries)
  local used = {}
  for _, d in ipairs(dims) do
    if d.type == "temporal" then
      local need = channel_need(needs, d.channel)
      if not (need and (need.from or need.last)) then need = channel_need(needs, "x") end
      local unit = periods.unit(d.enc.timeUnit) or (need and periods.unit(need.unit)) or "month"
      d.values, d.unit = periods.list(unit, need, today)
    else
      local cats = named_categories(needs, d.channel, used)
      if cats then used[cats] = true end
      local n = (d.channel == "color" and spec.type ~= "pie" and spec.type ~= "donut") and nseries or 5
      local list = cats or vocab.categories(d.field, n)
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

-- A series over periods: trend × seasonality × noise (multiplicative), or the same added
-- for measures that live near a level (rates, temperatures).
local function series(rng, prof, level, pts, unit)
  local out = {}
  local growth = rng:range(-0.02, 0.16) -- per year
  local amp = rng:range(0.06, 0.14)
  local phase = rng:range(0, 2 * math.pi)
  local noise = prof.additive and 0.03 or rng:range(0.03, 0.07)
  local walk = 0
  local t0 = pts[1] and (pts[1].y + (pts[1].m - 1) / 12 + (pts[1].d - 1) / 365) or 0
  for i, p in ipairs(pts) do
    local t = p.y + (p.m - 1) / 12 + (p.d - 1) / 365 + (p.h or 0) / 8760 - t0 -- years since start
    local season
    local yearfrac = (p.m - 1 + (p.d - 1) / 30.4) / 12 -- position in the year, 0..1
    if unit == "day" or unit == "hour" then
      -- weekly rhythm: weekends are quieter
      local dow = (frame.days_from_civil(p.y, p.m, p.d) + 3) % 7 -- 0 = Monday
      season = (dow >= 5) and -0.6 * amp or 0.25 * amp
      season = season + 0.5 * amp * math.sin(2 * math.pi * yearfrac + phase)
    elseif unit == "year" then
      season = 0
    else
      season = amp * math.sin(2 * math.pi * yearfrac + phase)
    end
    walk = walk * 0.6 + rng:normal(0, noise)
    local v
    if prof.additive then
      -- rates and temperatures move around a level; a temperature follows the calendar
      local spread = prof.sd * math.abs(prof.base)
      local cycle = prof.season and prof.season * math.cos(2 * math.pi * (yearfrac - 0.55))
        or spread * season / amp * 0.5
      v = level + growth * t * spread + cycle + walk * spread * 3
    else
      v = level * (1 + growth) ^ t * (1 + season) * (1 + walk)
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

-- A level factor per category value, so bars and series differ believably.
local function factors(rng, dims)
  local f = {}
  for _, d in ipairs(dims) do
    if d.type ~= "temporal" then
      f[d.field] = {}
      for _, v in ipairs(d.values) do f[d.field][v.label] = rng:lognormal(1, 0.35) end
    end
  end
  return f
end

local function base_for(prof, unit)
  if prof.flow then return prof.base * (MONTHS[unit or "month"] or 1) end
  return prof.base
end

-- Parts summing to a whole: percentages sum to exactly 100, other measures to a total.
local function parts(rng, dim, m, prof)
  local weights, sum = {}, 0
  for i = 1, #dim.values do
    weights[i] = rng:lognormal(1, 0.55)
    sum = sum + weights[i]
  end
  local percent = prof == vocab.profiles.percent
  local total = percent and 100 or tidy(base_for(prof) * #dim.values, { integer = true })
  local rows, acc, biggest = {}, 0, 1
  for i, v in ipairs(dim.values) do
    local x = weights[i] / sum * total
    x = percent and math.floor(x * 10 + 0.5) / 10 or math.floor(x + 0.5)
    rows[i] = { [dim.field] = v.label, [m.field] = x }
    acc = acc + x
    if x > rows[biggest][m.field] then biggest = i end
  end
  -- rounding leaves a small remainder; the largest part absorbs it
  local fixed = rows[biggest][m.field] + (total - acc)
  rows[biggest][m.field] = percent and math.floor(fixed * 10 + 0.5) / 10 or math.floor(fixed + 0.5)
  return rows, total
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
  local today = today_of(opts)
  dim_values(dims, needs, spec, today, 3)
  local unit
  for _, d in ipairs(dims) do if d.unit then unit = d.unit end end
  local facts = { unit = unit }
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
    if which == "generic" then prof = vocab.profiles.percent end
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
      for _, c in ipairs(combos) do
        -- a series key: the non-time dims; each series gets its own trend and season
        local key, w = {}, 1
        for _, d in ipairs(dims) do
          if d ~= time then
            key[#key + 1] = c[d.field].label
            w = w * f[d.field][c[d.field].label]
          end
        end
        local k = table.concat(key, "\0")
        local r = {}
        for name, v in pairs(c) do r[name] = v end
        for mi, m in ipairs(measures) do
          local prof = vocab.profile(m.field)
          local level = prof.additive and (prof.base + (w - 1) * prof.sd * math.abs(prof.base) * 2)
            or base_for(prof, time and time.unit) * w
          if time then
            local sk = k .. "\0" .. mi
            if not cache[sk] then cache[sk] = { values = series(rng, prof, level, time.values, time.unit), i = 0 } end
            local s = cache[sk]
            s.i = s.i + 1
            r[m.field] = tidy(s.values[s.i], prof)
          else
            r[m.field] = tidy(level * (prof.additive and 1 or rng:range(0.92, 1.08)), prof)
          end
        end
        rows[#rows + 1] = r
      end
      flat(rows, dims)
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
