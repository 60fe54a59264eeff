-- Shapes a normalized spec's data into x keys × colour series for bar, line
-- and area: aggregation of y per (x, colour), time-unit truncation, x order,
-- stacking (positive and negative stacks apart) and 100 % normalization.
local transform = require "data.transform"
local timeunit = require "data.timeunit"
local values = require "charts.shared.values"

local M = {}

-- The x key of one row: temporal values are truncated to the time unit so a
-- bar covers a whole period; other values pass through unchanged.
local function x_keys(spec)
  local df, enc = spec.data, spec.encoding.x
  local col = df.columns[enc.field]
  if enc.type ~= "temporal" or not enc.timeUnit then return col end
  local out = {}
  for i = 1, df.nrows do out[i] = transform.time_unit(col[i], enc.timeUnit) end
  return out
end

local function less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta == "number" end
  return a < b
end

-- Which way encoding.x.sort asks to order the keys: "x"/"y" and an order,
-- or an explicit list of values. Vega-Lite spells it several ways.
local function sort_rule(sort, y_field)
  if sort == nil then return nil end
  if type(sort) == "string" then
    if sort == "ascending" or sort == "x" then return { by = "x", desc = false } end
    if sort == "descending" or sort == "-x" then return { by = "x", desc = true } end
    if sort == "y" then return { by = "y", desc = false } end
    if sort == "-y" then return { by = "y", desc = true } end
    return nil
  end
  if type(sort) == "table" then
    if sort[1] ~= nil then return { by = "list", list = sort } end
    local by = "y"
    if sort.encoding == "x" or (sort.field and sort.field ~= y_field and not sort.op) then by = "x" end
    return { by = by, desc = sort.order == "descending" }
  end
  return nil
end

-- Orders keys (in place) by rule; `totals[k]` is the summed y of key k.
local function order_keys(keys, rule, x_type, totals)
  if rule == nil then
    -- Nominal/ordinal keep the data's order (the user's order, e.g. Low,
    -- Medium, High); numbers and dates go ascending.
    if x_type == "nominal" or x_type == "ordinal" then return keys end
    rule = { by = "x", desc = false }
  end
  local pos = {}
  for i, k in ipairs(keys) do pos[k] = i end
  if rule.by == "list" then
    local rank = {}
    for i, v in ipairs(rule.list) do if rank[v] == nil then rank[v] = i end end
    local big = #rule.list + 1
    table.sort(keys, function(a, b)
      local ra, rb = rank[a] or big, rank[b] or big
      if ra ~= rb then return ra < rb end
      return pos[a] < pos[b]
    end)
    return keys
  end
  table.sort(keys, function(a, b)
    local va, vb = a, b
    if rule.by == "y" then va, vb = totals[a] or 0, totals[b] or 0 end
    if va ~= vb then
      if rule.desc then return less(vb, va) end
      return less(va, vb)
    end
    return pos[a] < pos[b]
  end)
  return keys
end

-- The spec with its measure on y: Vega-Lite puts categories (or dates) on y and numbers on x
-- for horizontal bars, so when y holds no numbers and x does, x and y trade places.
-- → spec (a shallow copy when swapped), swapped (boolean)
function M.oriented(spec)
  local x, y = spec.encoding.x, spec.encoding.y
  local function numbers(ch) return ch.type == "quantitative" and (ch.aggregate == "count"
    or spec.data.types[ch.field] == "quantitative") end
  if not (x and y) or numbers(y) or not numbers(x) then return spec, false end
  local out, enc = {}, {}
  for k, v in pairs(spec) do out[k] = v end
  for k, v in pairs(spec.encoding) do enc[k] = v end
  enc.x, enc.y = y, x
  out.encoding = enc
  return out, true
end

-- M.build(spec, opts) → model
-- opts: stacked (bool), normalize (bool), band (bool: x is always
-- categorical, as for bars), gaps (bool: keep all-missing groups as gaps
-- instead of zeros, for lines), zero_fill (bool: a series without a row at
-- a key still gets y0 = y1 = the stack there, so stacked areas stay closed).
-- model = {
--   x_kind = "band"|"time"|"linear", x_type =, keys = {k1..kn} (ordered),
--   series = { {name=, values = {[i]=y|nil}, missing = {[i]=true}, y0 = {}, y1 = {}} },
--   stacked =, normalized =, aggregate = "sum"|..., y_min =, y_max =, rows =,
-- }
-- values[i] is nil when the series has no row at keys[i]; missing[i] marks
-- rows that exist but whose y is missing (a gap in a line).
function M.build(spec, opts)
  opts = opts or {}
  local enc = spec.encoding
  local df = spec.data
  local xenc, yenc, cenc = enc.x, enc.y, enc.color
  local op = yenc.aggregate or "sum"
  local yfield = yenc.field
  values.measure(spec, "y", ("the %s chart's values"):format(spec.type or "this"), { allow_count = true })
  values.category(spec, "x", ("the %s chart's keys"):format(spec.type or "this"))
  -- The keys' kind comes from what the column stores: an aggregate on x calls the channel
  -- quantitative but leaves text keys text.
  local x_type = xenc.type
  if x_type == "quantitative" and df.types[xenc.field] ~= "quantitative" then x_type = df.types[xenc.field] end

  local xcol = x_keys(spec)
  local ccol = cenc and cenc.field and df.columns[cenc.field] or nil
  local view = { columns = { x = xcol, c = ccol, y = yfield and df.columns[yfield] or nil }, nrows = df.nrows }
  local keys = ccol and { "x", "c" } or { "x" }
  local yname = yfield and "y" or nil
  local groups = transform.group(view, keys, yname, op)
  local counts = (opts.gaps and yname and op ~= "count") and transform.group(view, keys, yname, "count") or nil

  -- Keys and series names in first-seen order; rows with a missing x are dropped.
  local kindex, korder, sindex, snames = {}, {}, {}, {}
  local cells = {}
  for gi, g in ipairs(groups) do
    local k = g.x
    if k ~= nil then
      if not kindex[k] then kindex[k] = true; korder[#korder + 1] = k end
      local s = ccol and g.c or false
      if s == nil then s = "(missing)" end
      if sindex[s] == nil then sindex[s] = #snames + 1; snames[#snames + 1] = s end
      local v = g.value
      local missing = counts and counts[gi].value == 0
      if missing then v = nil end
      cells[#cells + 1] = { k = k, s = s, v = v, missing = missing }
    end
  end

  local totals = {}
  for _, c in ipairs(cells) do
    if c.v then totals[c.k] = (totals[c.k] or 0) + c.v end
  end
  order_keys(korder, sort_rule(xenc.sort, yfield), x_type, totals)
  local kpos = {}
  for i, k in ipairs(korder) do kpos[k] = i end

  local series = {}
  for i, name in ipairs(snames) do
    series[i] = { name = name ~= false and name or nil, values = {}, missing = {}, y0 = {}, y1 = {} }
  end
  for _, c in ipairs(cells) do
    local s = series[sindex[c.s]]
    local i = kpos[c.k]
    s.values[i] = c.v
    if c.missing then s.missing[i] = true end
  end

  local model = {
    x_type = x_type,
    -- A unit without the year (month of year, day of week) is a set of named places, not a
    -- stretch of time: bands labelled "Jan", "Mon", as Vega-Lite labels them.
    x_kind = (opts.band or x_type == "nominal" or x_type == "ordinal"
      or (x_type == "temporal" and xenc.timeUnit and timeunit.cyclic(xenc.timeUnit))) and "band"
      or (x_type == "temporal" and "time" or "linear"),
    keys = korder,
    series = series,
    stacked = opts.stacked and #series > 1 or false,
    normalized = opts.normalize or false,
    zero_fill = opts.zero_fill or false,
    aggregate = op,
    explicit_aggregate = yenc.aggregate,
    rows = df.nrows,
  }
  M.stack(model)
  return model
end

-- Fills y0/y1 for every series and the model's y extent (of the values, or
-- of the stacks when stacked; charts that start at zero add it themselves). Stacked: positive
-- values pile up from 0 and negative ones down from 0, each in series order.
-- Normalized: each key's values are shares of the key's absolute total, in %.
function M.stack(model)
  local n = #model.keys
  local stacked = model.stacked or model.normalized
  local lo, hi
  local function extent(a, b)
    if lo == nil or a < lo then lo = a end
    if hi == nil or b > hi then hi = b end
  end
  for i = 1, n do
    local abs_total = 0
    if model.normalized then
      for _, s in ipairs(model.series) do
        local v = s.values[i]
        if v then abs_total = abs_total + math.abs(v) end
      end
    end
    local pos, neg = 0, 0
    for _, s in ipairs(model.series) do
      local v = s.values[i]
      if v == nil and s.missing[i] then
        -- A row whose value is missing is a gap, never a silent zero in a stack.
        s.y0[i], s.y1[i] = nil, nil
      elseif v == nil and model.zero_fill then
        s.y0[i], s.y1[i] = pos, pos
      elseif v ~= nil then
        if model.normalized then v = abs_total > 0 and v / abs_total * 100 or 0 end
        if stacked then
          if v >= 0 then
            s.y0[i], s.y1[i] = pos, pos + v
            pos = pos + v
          else
            s.y0[i], s.y1[i] = neg, neg + v
            neg = neg + v
          end
        else
          s.y0[i], s.y1[i] = 0, v
        end
        if stacked then
          extent(math.min(s.y0[i], s.y1[i]), math.max(s.y0[i], s.y1[i]))
        else
          extent(v, v)
        end
      end
    end
  end
  model.y_min, model.y_max = lo, hi
  return model
end

-- Fills each series' missing values (rows whose y is missing) on a straight line between
-- the nearest values on either side; ends stay missing. Returns how many were filled.
function M.interpolate(model)
  local filled = 0
  for _, s in ipairs(model.series) do
    local n = #model.keys
    local i = 1
    while i <= n do
      if s.missing[i] then
        local a, b = i - 1, i
        while b <= n and s.values[b] == nil do b = b + 1 end
        if a >= 1 and s.values[a] ~= nil and b <= n then
          for k = a + 1, b - 1 do
            if s.missing[k] then
              s.values[k] = s.values[a] + (s.values[b] - s.values[a]) * (k - a) / (b - a)
              s.missing[k] = nil
              filled = filled + 1
            end
          end
        end
        i = b
      else
        i = i + 1
      end
    end
  end
  return filled
end

-- Biggest and smallest cell (for alt text): {series=, key=, value=} each.
function M.extremes(model)
  local best, worst
  for _, s in ipairs(model.series) do
    for i = 1, #model.keys do
      local v = s.values[i]
      if v ~= nil then
        if not best or v > best.value then best = { series = s.name, key = model.keys[i], value = v } end
        if not worst or v < worst.value then worst = { series = s.name, key = model.keys[i], value = v } end
      end
    end
  end
  return best, worst
end

return M
