-- Stress data for any chart type, made from its own sample spec: the same encodings, with
-- the data bent the ways real data is (long and many categories, tiny and huge magnitudes,
-- negatives, CJK and Arabic text, many series, missing values, most facet cells, one row,
-- 100k rows). Every
-- variant is deterministic. Used by spec/quality/scene_spec.lua.
local copy = require("util.tables").deep_copy

local M = {}

-- Fields of the sample's encodings by the kind of change they take.
local function fields(spec)
  local nominal, quant, seen = {}, {}, {}
  for _, ch in pairs(spec.encoding or {}) do
    local f = type(ch) == "table" and ch.field
    if f and not seen[f] then
      seen[f] = true
      if ch.type == "nominal" or ch.type == "ordinal" then nominal[#nominal + 1] = f
      elseif ch.type == "quantitative" then quant[#quant + 1] = f end
    end
  end
  table.sort(nominal)
  table.sort(quant)
  return nominal, quant
end

-- The category field that names the marks: x, then y, then colour, then any.
local function category_field(spec)
  local enc = spec.encoding or {}
  for _, ch in ipairs { "x", "y", "color", "theta", "column", "row" } do
    local e = enc[ch]
    if type(e) == "table" and (e.type == "nominal" or e.type == "ordinal") and e.field then return e.field end
  end
  local nominal = fields(spec)
  return nominal[1]
end

local function map_rows(spec, fn)
  local out = copy(spec)
  local rows = out.data.values
  for i, r in ipairs(rows) do fn(r, i) end
  return out
end

local function scale_quant(spec, k)
  local _, quant = fields(spec)
  return map_rows(spec, function(r)
    for _, f in ipairs(quant) do if type(r[f]) == "number" then r[f] = r[f] * k end end
  end)
end

-- Repeats every row n times, the field `f` of copy j carrying `suffix(j)`.
local function replicate(spec, f, n, suffix, jitter)
  local out = copy(spec)
  local _, quant = fields(spec)
  local rows = {}
  for j = 1, n do
    for _, r in ipairs(spec.data.values) do
      local c = copy(r)
      if f and c[f] ~= nil then c[f] = tostring(c[f]) .. suffix(j) end
      if jitter then
        for _, q in ipairs(quant) do
          if type(c[q]) == "number" then c[q] = c[q] * (1 + ((j * 7919) % 97) / 97 * jitter) end
        end
      end
      rows[#rows + 1] = c
    end
  end
  out.data.values = rows
  return out
end

local LONG = "Department of Regional Development, Planning and Infrastructure — "
local CJK = { "東京都 渋谷区 ", "서울특별시 ", "القاهرة الجديدة ", "北京市 朝阳区 " }

M.VARIANTS = {
  -- 40-odd names that differ only at their end
  long = function(spec)
    local nominal = fields(spec)
    return map_rows(spec, function(r)
      for _, f in ipairs(nominal) do if type(r[f]) == "string" then r[f] = LONG .. r[f] end end
    end)
  end,
  many = function(spec)
    local f = category_field(spec)
    if not f then return nil end
    return replicate(spec, f, 8, function(j) return " " .. j end, 0.5)
  end,
  tiny = function(spec) return scale_quant(spec, 1.7e-6) end,
  huge = function(spec) return scale_quant(spec, 3.3e9) end,
  negative = function(spec)
    local _, quant = fields(spec)
    return map_rows(spec, function(r, i)
      for _, f in ipairs(quant) do
        if type(r[f]) == "number" and i % 2 == 0 then r[f] = -r[f] end
      end
    end)
  end,
  script = function(spec)
    local nominal = fields(spec)
    return map_rows(spec, function(r, i)
      for _, f in ipairs(nominal) do
        if type(r[f]) == "string" then r[f] = CJK[(i - 1) % #CJK + 1] .. r[f] end
      end
    end)
  end,
  series = function(spec)
    local c = spec.encoding.color
    if not (c and c.field and (c.type == "nominal" or c.type == "ordinal")) then return nil end
    return replicate(spec, c.field, 6, function(j) return " " .. string.char(64 + j) end, 0.3)
  end,
  missing = function(spec)
    local _, quant = fields(spec)
    return map_rows(spec, function(r, i)
      if i % 4 == 2 then for _, f in ipairs(quant) do r[f] = nil end end
    end)
  end,
  -- small multiples at their most cells (facet.MAX_CELLS: 4 values x 9)
  cells = function(spec)
    local e = spec.encoding.column or spec.encoding.row
    if not (e and e.field) then return nil end
    return replicate(spec, e.field, 9, function(j) return " " .. j end, 0.2)
  end,
  one = function(spec)
    local out = copy(spec)
    out.data.values = { out.data.values[1] }
    return out
  end,
}

M.NAMES = { "long", "many", "tiny", "huge", "negative", "script", "series", "missing", "cells", "one" }

-- 100,000 rows: the sample's rows repeated with their numbers varied (categories kept, so
-- the chart aggregates as it would a big table).
function M.big(spec, n)
  n = n or 100000
  local base = spec.data.values
  local _, quant = fields(spec)
  local out = copy(spec)
  out.data.values = nil
  local rows = {}
  local seed = 12345
  for i = 1, n do
    local r = copy(base[(i - 1) % #base + 1])
    seed = (seed * 1103515245 + 12345) % 2147483648
    local k = 0.5 + seed / 2147483648
    for _, q in ipairs(quant) do if type(r[q]) == "number" then r[q] = r[q] * k end end
    rows[i] = r
  end
  out.data.values = rows
  return out
end

return M
