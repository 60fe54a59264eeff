-- {"window": [{op, field, as}], "sort": [{field, order}], "groupby": [...], "frame": [a, b],
-- "ignorePeers": bool}: per group, in sort order, each record gains row_number, rank,
-- dense_rank, percent_rank, cume_dist, ntile, lag/lead, first/last/nth_value, or an aggregate
-- (sum, count, mean, …) over its frame (default: from the start to the current row).
local errors = require "util.errors"
local json = require "util.json"
local ops = require "transforms.ops"

local M = {}

-- Aggregates kept as a running value while a frame grows (ops.running).
M.RUNNING = { count = true, valid = true, missing = true, sum = true, mean = true, average = true,
  min = true, max = true }

local RANKS = { row_number = true, rank = true, dense_rank = true, percent_rank = true, cume_dist = true,
  ntile = true, lag = true, lead = true, first_value = true, last_value = true, nth_value = true }

local function cmp_value(a, b)
  if a == b then return 0 end
  if a == nil or a == json.null then return -1 end
  if b == nil or b == json.null then return 1 end
  -- Numbers and text compare as themselves; anything else (booleans, mixed types) as text.
  if type(a) ~= type(b) or (type(a) ~= "number" and type(a) ~= "string") then a, b = tostring(a), tostring(b) end
  if a == b then return 0 end
  return a < b and -1 or 1
end

local function sorter(sort)
  local keys = {}
  for i, s in ipairs(sort or {}) do keys[i] = { field = s.field, desc = s.order == "descending" } end
  return keys, function(a, b)
    for _, k in ipairs(keys) do
      local c = cmp_value(a.rec[k.field], b.rec[k.field])
      if c ~= 0 then if k.desc then return c > 0 end return c < 0 end
    end
    return a.i < b.i
  end
end

function M.apply(records, t, path)
  local list = t.window
  if type(list) ~= "table" then
    error(errors.new("invalid_spec", path .. ".window", "must be an array of {op, field, as}"))
  end
  local keys, less = sorter(t.sort)
  local frame = t.frame
  local f0, f1
  if frame == nil then f0, f1 = json.null, 0 else f0, f1 = frame[1], frame[2] end
  for i, w in ipairs(list) do
    local p = ("%s.window[%d]"):format(path, i - 1)
    if not (RANKS[w.op] or ops.known(w.op)) then
      error(errors.new("invalid_spec", p .. ".op", ('unknown window op "%s"'):format(tostring(w.op))))
    end
  end
  local groupby = type(t.groupby) == "table" and t.groupby or {}
  for _, g in ipairs(ops.group(records, groupby)) do
    local items = {}
    for i, r in ipairs(g.rows) do items[i] = { rec = r, i = i } end
    table.sort(items, less)
    local n = #items
    local function peer(a, b)
      for _, k in ipairs(keys) do if cmp_value(a.rec[k.field], b.rec[k.field]) ~= 0 then return false end end
      return true
    end
    for _, w in ipairs(list) do
      local as = w.as or (w.op .. (w.field and ("_" .. w.field) or ""))
      local rank, dense = 0, 0
      -- The last frame's value, and a running one while frames grow from the first row: a
      -- cumulative or whole-group window is then linear in the group's size, not quadratic.
      local last_lo, last_hi, last_v
      local run = M.RUNNING[w.op] and ops.running(w.op, w.field) or nil
      for idx, it in ipairs(items) do
        local newpeer = idx == 1 or not peer(items[idx - 1], it)
        if newpeer then rank, dense = idx, dense + 1 end
        local v
        local op = w.op
        if op == "row_number" then v = idx
        elseif op == "rank" then v = rank
        elseif op == "dense_rank" then v = dense
        elseif op == "percent_rank" then v = n > 1 and (rank - 1) / (n - 1) or 0
        elseif op == "cume_dist" then
          local last = idx
          while last < n and peer(items[last + 1], it) do last = last + 1 end
          v = last / n
        elseif op == "ntile" then v = math.floor((idx - 1) * (w.param or 1) / n) + 1
        elseif op == "lag" or op == "lead" then
          local k = op == "lag" and idx - (w.param or 1) or idx + (w.param or 1)
          v = items[k] and items[k].rec[w.field] or json.null
        else
          local lo = (f0 == nil or f0 == json.null) and 1 or math.max(1, idx + f0)
          local hi = (f1 == nil or f1 == json.null) and n or math.min(n, idx + f1)
          if t.ignorePeers ~= true and (f1 == 0) then
            while hi < n and peer(items[hi + 1], it) and #keys > 0 do hi = hi + 1 end
          end
          if lo == last_lo and hi == last_hi then
            v = last_v
          elseif run and lo == 1 and hi >= run.n then
            for k = run.n + 1, hi do run.add(items[k].rec) end
            v = run.value()
          else
            local rows = {}
            for k = lo, hi do rows[#rows + 1] = items[k].rec end
            if op == "first_value" then v = rows[1] and rows[1][w.field]
            elseif op == "last_value" then v = rows[#rows] and rows[#rows][w.field]
            elseif op == "nth_value" then v = rows[w.param or 1] and rows[w.param or 1][w.field]
            else v = ops.compute(op, rows, w.field) end
          end
          if v == nil then v = json.null end
          last_lo, last_hi, last_v = lo, hi, v
        end
        it.rec[as] = v
      end
    end
  end
  return records
end

return M
