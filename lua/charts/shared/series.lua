-- Shapes a normalized spec's data into x keys × colour series for bar, line
-- and area: aggregation of y per (x, colour), time-unit truncation, x order,
-- stacking (positive and negative stacks apart) and 100 % normalization.
local transform = require "data.transform"
local errors = require "util.errors"
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

-- Groups the rows in Lua: keys and series in first-seen order, then the keys ordered by
-- rule. → keys, series names (false: no colour), values and missing per series.
local function lua_groups(view, has_color, yname, op, gaps, rule, x_type)
  local keys = has_color and { "x", "c" } or { "x" }
  local groups = transform.group(view, keys, yname, op)
  local counts = gaps and transform.group(view, keys, yname, "count") or nil

  -- Keys and series names in first-seen order; rows with a missing x are dropped.
  local kindex, korder, sindex, snames = {}, {}, {}, {}
  local cells = {}
  for gi, g in ipairs(groups) do
    local k = g.x
    if k ~= nil then
      if not kindex[k] then kindex[k] = true; korder[#korder + 1] = k end
      local s = has_color and g.c or false
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
  order_keys(korder, rule, x_type, totals)
  local kpos = {}
  for i, k in ipairs(korder) do kpos[k] = i end

  local vals, missing = {}, {}
  for i = 1, #snames do vals[i], missing[i] = {}, {} end
  for _, c in ipairs(cells) do
    local si, i = sindex[c.s], kpos[c.k]
    vals[si][i] = c.v
    if c.missing then missing[si][i] = true end
  end
  return korder, snames, vals, missing
end

-- The C path (chartd.columns) gives numeric keys in ascending order, so it serves the
-- orders that come out ascending; nil when it is missing (or declines the data).
local has_native, native = pcall(require, "chartd.columns")
M.native_group = has_native and native.group or nil

-- M.scan(values, n) → count, first, last, imin, imax over the numbers of values[1..n]
-- (indices; only count when there are none): C when there, else the same in Lua.
M.scan = has_native and native.scan or function(ys, n)
  local count, first, last, imin, imax = 0, nil, nil, nil, nil
  for i = 1, n do
    local v = ys[i]
    if v ~= nil then
      count, last = count + 1, i
      if not first then first, imin, imax = i, i, i end
      if v < ys[imin] then imin = i end
      if v > ys[imax] then imax = i end
    end
  end
  if count == 0 then return 0 end
  return count, first, last, imin, imax
end

-- M.scan of a model series' values, kept on the series (s.scanned): the values do not
-- change once the model is built, and stacking, alt text and the summary all ask.
function M.extent(s, n)
  local got = s.scanned
  if not got or got.n ~= n then
    got = { n = n, M.scan(s.values, n) }
    s.scanned = got
  end
  return got[1], got[2], got[3], got[4], got[5]
end

-- M.flat(values, n) → y0: an unstacked series' band starts, 0 wherever it has a value.
M.flat = has_native and native.flat or function(ys, n)
  local y0 = {}
  for i = 1, n do
    if ys[i] ~= nil then y0[i] = 0 end
  end
  return y0
end

local function ascending(rule, x_type)
  if rule == nil then return x_type ~= "nominal" and x_type ~= "ordinal" end
  return rule.by == "x" and not rule.desc
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
  local ycol = yfield and df.columns[yfield] or nil
  local gaps = (opts.gaps and yfield and op ~= "count") and true or false
  local rule = sort_rule(xenc.sort, yfield)
  local keys, names, vals, missing, scanned
  if M.native_group and ascending(rule, x_type) then
    -- scanned: M.extent's answer for a single series whose values are the y column itself
    keys, names, vals, missing, scanned = M.native_group(xcol, ycol, ccol, df.nrows, op, gaps)
  end
  if not keys then
    local view = { columns = { x = xcol, c = ccol, y = ycol }, nrows = df.nrows }
    keys, names, vals, missing = lua_groups(view, ccol ~= nil, yfield and "y" or nil, op, gaps, rule, x_type)
  end

  local series = {}
  for i, name in ipairs(names) do
    series[i] = { name = name ~= false and name or nil, values = vals[i], missing = missing[i], y0 = {}, y1 = {} }
  end
  if scanned then series[1].scanned = scanned end

  local model = {
    x_type = x_type,
    -- A unit without the year (month of year, day of week) is a set of named places, not a
    -- stretch of time: bands labelled "Jan", "Mon", as Vega-Lite labels them.
    x_kind = (opts.band or x_type == "nominal" or x_type == "ordinal"
      or (x_type == "temporal" and xenc.timeUnit and timeunit.cyclic(xenc.timeUnit))) and "band"
      or (x_type == "temporal" and "time" or "linear"),
    keys = keys,
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

-- model with its y extent; finite values whose sum or stack left the double range are refused
-- here, before any chart pads or divides an infinite extent into NaN.
local function with_extent(model, lo, hi)
  if lo ~= nil and not (lo > -math.huge and hi < math.huge) then
    error(errors.new("invalid_data", "encoding.y", errors.BEYOND_RANGE), 0)
  end
  model.y_min, model.y_max = lo, hi
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
  if not stacked then -- each series on its own, 0 up to its value
    for _, s in ipairs(model.series) do
      local ys = s.values
      if model.zero_fill then
        s.y0, s.y1 = {}, {}
        for i = 1, n do
          local v = ys[i]
          if v ~= nil then s.y0[i], s.y1[i] = 0, v
          elseif not s.missing[i] then s.y0[i], s.y1[i] = 0, 0 end
        end
      else
        s.y0, s.y1 = M.flat(ys, n), ys -- y1 is the values themselves: read, never written
      end
      local count, _, _, imin, imax = M.extent(s, n)
      if count > 0 then extent(ys[imin], ys[imax]) end
    end
    return with_extent(model, lo, hi)
  end
  -- normalized: each stack sums to 100 %; one series alone shows each key's share of the whole
  local whole = 0
  if model.normalized and #model.series == 1 then
    for i = 1, n do whole = whole + math.abs(model.series[1].values[i] or 0) end
  end
  for i = 1, n do
    local abs_total = whole
    if model.normalized and #model.series > 1 then
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
  return with_extent(model, lo, hi)
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
          if not s.own_values then -- the values may be the data's own column: write to a copy
            s.values, s.own_values, s.scanned = table.move(s.values, 1, n, 1, {}), true, nil
          end
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
    local count, _, _, imin, imax = M.extent(s, #model.keys)
    if count > 0 then
      local hi, lo = s.values[imax], s.values[imin]
      if not best or hi > best.value then best = { series = s.name, key = model.keys[imax], value = hi } end
      if not worst or lo < worst.value then worst = { series = s.name, key = model.keys[imin], value = lo } end
    end
  end
  return best, worst
end

return M
