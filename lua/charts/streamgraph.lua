-- Streamgraph: stacked areas around a moving baseline instead of zero —
-- centred ("center": the stack is symmetric about 0) or Byron & Wattenberg's
-- "wiggle" (the baseline that minimizes the layers' slopes, as d3's
-- stackOffsetWiggle). Built on charts.area; only the offset is new here.
local area = require "charts.area"
local describe = require "charts.shared.describe"

local M = {
  name = "streamgraph",
  mark = "area", -- the role of its marks in the scene
  encodings = { required = { "x", "y" }, optional = { "color" } },
  options = { offset = { "wiggle", "center" } },
}

M.sample = {
  type = "streamgraph",
  title = "Listening by genre",
  subtitle = "Weekly streams, millions",
  data = { values = (function()
    local rows = {}
    local genres = { { "Pop", 42, 0.0 }, { "Hip-hop", 35, 1.3 }, { "Rock", 24, 2.1 }, { "Electronic", 18, 3.7 },
      { "Jazz", 8, 0.7 }, { "Classical", 6, 5.1 } }
    for w = 1, 26 do
      local date = ("2024-%02d-%02d"):format((w - 1) // 4 + 1, ((w - 1) % 4) * 7 + 1)
      for gi, g in ipairs(genres) do
        local v = g[2] * (1 + 0.35 * math.sin(w / 4 + g[3])) + gi * w * 0.12
        rows[#rows + 1] = { week = date, streams = math.floor(v * 10 + 0.5) / 10, genre = g[1] }
      end
    end
    return rows
  end)() },
  encoding = {
    x = { field = "week", type = "temporal", title = "Week" },
    y = { field = "streams", type = "quantitative", title = "Streams (millions)" },
    color = { field = "genre", type = "nominal", title = "Genre" },
  },
}

-- Negative values have no thickness in a stream: they count as zero.
local function value(s, i)
  local v = s.values[i]
  if v == nil or v < 0 then return 0 end
  return v
end

-- Baselines per key (1..n): the stack's bottom edge.
function M.baselines(model, offset)
  local n, list = #model.keys, model.series
  local g = {}
  if offset == "center" then
    for i = 1, n do
      local total = 0
      for _, s in ipairs(list) do total = total + value(s, i) end
      g[i] = -total / 2
    end
    return g
  end
  -- Wiggle: g[i] = g[i-1] - Σ_s (Δ below s + Δs/2)·v_s / Σ v (d3's form).
  local y = 0
  g[1] = 0
  for i = 2, n do
    local s1, s2 = 0, 0
    local below = 0
    for _, s in ipairs(list) do
      local a, b = value(s, i), value(s, i - 1)
      local d = a - b
      s1 = s1 + a
      s2 = s2 + (below + d / 2) * a
      below = below + d
    end
    if s1 > 0 then y = y - s2 / s1 end
    g[i] = y
  end
  -- Centre the whole stream vertically on zero so the axis stays symmetric.
  local lo, hi = math.huge, -math.huge
  for i = 1, n do
    local total = 0
    for _, s in ipairs(list) do total = total + value(s, i) end
    lo, hi = math.min(lo, g[i]), math.max(hi, g[i] + total)
  end
  if n > 0 then
    local shift = -(lo + hi) / 2
    for i = 1, n do g[i] = g[i] + shift end
  end
  return g
end

-- Restacks the model's series on the baselines (y0/y1 and the extent).
function M.offset(model, offset)
  local g = M.baselines(model, offset)
  local lo, hi
  for i = 1, #model.keys do
    local y = g[i]
    for _, s in ipairs(model.series) do
      local v = value(s, i)
      s.y0[i], s.y1[i] = y, y + v
      y = y + v
    end
    lo = math.min(lo or g[i], g[i])
    hi = math.max(hi or y, y)
  end
  model.y_min, model.y_max = lo, hi
  model.stacked = true
  return model
end

function M.layout(spec, theme, box)
  local mode = (spec.options or {}).offset or "wiggle"
  local l = area.layout(spec, theme, box, { offset = function(model) M.offset(model, mode) end })
  l.offset = mode
  return l
end

M.draw = area.draw

function M.describe(spec, layout)
  local model = layout.model
  local head = describe.sentence("Streamgraph", spec, { series = model.series, keys = model.keys })
  -- The layer with the largest total and when the stream is thickest.
  local best, best_total = nil, -1
  for _, s in ipairs(model.series) do
    local t = 0
    for i = 1, #model.keys do t = t + value(s, i) end
    if t > best_total then best, best_total = s, t end
  end
  local peak, peak_i = -1, nil
  for i = 1, #model.keys do
    local t = 0
    for _, s in ipairs(model.series) do t = t + value(s, i) end
    if t > peak then peak, peak_i = t, i end
  end
  if not best or not peak_i or best.name == nil then return head end
  return ("%s %s is the largest layer; the stream is thickest at %s (%s in all)."):format(head, tostring(best.name),
    describe.key_text(model.keys[peak_i], spec), describe.number_text(peak))
end

return M
