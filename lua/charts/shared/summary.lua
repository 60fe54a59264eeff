-- data_summary: the table a chart actually drew (after aggregation/binning),
-- capped at MAX_ROWS, for screen readers and clients that want the numbers.
-- Charts with an aggregated model offer summary(spec, layout); every other
-- type gets the validated data's encoded fields (M.records).
local json = require "util.json"

local M = {}

M.MAX_ROWS = 100

-- Channels in the order their fields become columns; others follow, sorted.
local CHANNEL_ORDER = { "x", "x2", "y", "y2", "theta", "color", "size", "open", "high", "low", "close" }

-- M.table(columns, rows [, total]) → { columns =, rows =, total_rows =, truncated = }.
-- rows[i][k] may be nil (a missing value): it becomes JSON null, as does a number derived past
-- the double range (a hexagon's centre beyond 1.8e308), which JSON cannot write. total (default
-- #rows) counts rows a caller did not build past the cap.
function M.table(columns, rows, total)
  local n, width = total or #rows, #columns
  local out, array, null, huge = json.array(), json.array, json.null, math.huge
  for i = 1, math.min(n, M.MAX_ROWS) do
    local src, row = rows[i], array()
    for k = 1, width do
      local v = src[k]
      if v == nil or v ~= v or v == huge or v == -huge then v = null end
      row[k] = v
    end
    out[i] = row
  end
  local cols = json.array()
  for k = 1, width do cols[k] = tostring(columns[k]) end
  return { columns = cols, rows = out, total_rows = n, truncated = n > M.MAX_ROWS }
end

-- The distinct encoded fields of a spec, channels in CHANNEL_ORDER first.
function M.fields(spec)
  local enc = spec.encoding or {}
  local seen, list = {}, {}
  local function add(ch)
    local e = enc[ch]
    local f = type(e) == "table" and e.field
    if type(f) == "string" and not seen[f] and spec.data.columns[f] then
      seen[f] = true
      list[#list + 1] = f
    end
  end
  local known = {}
  for _, ch in ipairs(CHANNEL_ORDER) do known[ch] = true; add(ch) end
  local rest = {}
  for ch in pairs(enc) do if not known[ch] then rest[#rest + 1] = ch end end
  table.sort(rest)
  for _, ch in ipairs(rest) do add(ch) end
  return list
end

-- The validated data's encoded fields, row by row. keep(i) (optional) says
-- whether row i was drawn. Rows past the cap are counted, not built; a caller that knows
-- how many rows were drawn passes the count (total), and rows past the cap are not visited.
function M.records(spec, keep, known_total)
  local df = spec.data
  local fields = M.fields(spec)
  local rows, total = {}, 0
  for i = 1, df.nrows do
    if known_total and total >= M.MAX_ROWS then total = known_total break end
    if not keep or keep(i) then
      total = total + 1
      if total <= M.MAX_ROWS then
        local row = {}
        for k, f in ipairs(fields) do row[k] = df.columns[f][i] end
        rows[total] = row
      end
    end
  end
  return M.table(fields, rows, total)
end

local function field_or(e, default)
  return (type(e) == "table" and e.field) or default
end

-- Bar, line and area (charts.shared.series model): one row per x key and
-- colour series with the aggregated y (before stacking or normalizing).
function M.series(spec, layout)
  local model = layout.model
  local enc = require("charts.shared.series").oriented(spec).encoding
  local ycol = model.aggregate == "count" and "count" or field_or(enc.y, "y")
  local has_color = enc.color and enc.color.field
  local columns = has_color and { field_or(enc.x, "x"), enc.color.field, ycol } or { field_or(enc.x, "x"), ycol }
  -- Rows past the cap are counted (values and gaps of every series), not built.
  local series, total = require "charts.shared.series", 0
  for _, s in ipairs(model.series) do
    total = total + series.extent(s, #model.keys)
    for i in pairs(s.missing) do if s.values[i] == nil then total = total + 1 end end
  end
  local rows = {}
  for i, key in ipairs(model.keys) do
    if #rows >= M.MAX_ROWS then break end
    for _, s in ipairs(model.series) do
      local v = s.values[i]
      if (v ~= nil or s.missing[i]) and #rows < M.MAX_ROWS then
        rows[#rows + 1] = has_color and { key, s.name, v } or { key, v }
      end
    end
  end
  return M.table(columns, rows, total)
end

-- Picks the chart's own summary, else the encoded records; never raises
-- (a summary must not cost the chart), returning the records on failure.
function M.build(chart, spec, layout)
  if chart.summary then
    local ok, s = pcall(chart.summary, spec, layout)
    if ok and type(s) == "table" then return s end
  end
  local ok, s = pcall(M.records, spec)
  if ok then return s end
  return M.table({}, {})
end

return M
