-- The `transform` list of a spec (Vega-Lite's transforms), run in order over the data's
-- records before the chart reads them. Each kind lives in its own module here, named by the
-- key that marks it ({"filter": …} → transforms.filter); each exports apply(records, t, ctx)
-- → records and raises errors.new values naming the transform's path.
local errors = require "util.errors"
local json = require "util.json"

local M = {}

-- The key that names each kind, in the order they are looked for.
M.KINDS = { "filter", "calculate", "fold", "aggregate", "joinaggregate", "bin", "timeUnit", "window",
  "sample", "flatten", "lookup", "density", "regression", "loess", "pivot", "impute", "extent", "stack",
  "top" } -- top: chartd's own (the n largest groups), used by follow-up edits

local MODULE = { timeUnit = "timeunit" }

-- Rows a transform may make (fold and flatten multiply them): the frame's own limit.
M.MAX_ROWS = require("data.frame").MAX_ROWS

-- Raises the limit error when n rows would be more than a chart takes; transforms that add
-- rows call it as they go, so a fold of a large table stops before it fills memory.
function M.check_rows(n, path)
  if n > M.MAX_ROWS then
    error(errors.new("invalid_data", path, ("makes more than %d rows, the limit of the data"):format(M.MAX_ROWS)))
  end
end
-- Kinds known but not computed yet: a clear error rather than a wrong chart.
local UNSUPPORTED = { loess = true, pivot = true, impute = true, extent = true, stack = true }

function M.kind_of(t)
  if type(t) ~= "table" then return nil end
  for _, k in ipairs(M.KINDS) do
    if t[k] ~= nil then return k end
  end
  return nil
end

-- M.run(records, list, path, ctx) → records. ctx.warn(path, message) receives what is
-- approximated; ctx.datasets resolves lookup's named data.
function M.run(records, list, path, ctx)
  path = path or "transform"
  ctx = ctx or {}
  ctx.warn = ctx.warn or function() end
  if list == nil or list == json.null then return records end
  if type(list) ~= "table" or (list[1] == nil and next(list) ~= nil) then
    error(errors.new("invalid_spec", path, "must be an array of transforms"))
  end
  for i, t in ipairs(list) do
    local p = ("%s[%d]"):format(path, i - 1)
    local kind = M.kind_of(t)
    if not kind then
      error(errors.new("invalid_spec", p, "unknown transform; kinds are " .. table.concat(M.KINDS, ", ")))
    end
    if UNSUPPORTED[kind] then
      error(errors.new("invalid_spec", p .. "." .. kind, ('the "%s" transform is not supported'):format(kind)))
    end
    local mod = require("transforms." .. (MODULE[kind] or kind))
    records = mod.apply(records, t, p, ctx)
  end
  return records
end

-- Runs a spec's transforms over its data (any of chartd's data shapes) → {values = records},
-- units (the frame's units of written numbers, data.frame: the records hold their numbers).
function M.run_on_data(data, list)
  local records, units
  if type(data) == "table" and data.values ~= nil then
    records = require("vegalite.data").records({ values = data.values }, {})
  else
    local frame = require "data.frame"
    local df, err = frame.from_data(data, "data")
    if not df then error(err) end
    units = df.units
    -- numbers as numbers (Vega's CSV loader infers them too), the rest as written
    records = json.array({})
    local cols = {}
    for j, name in ipairs(df.names) do
      cols[j] = df.types[name] == "quantitative" and df.columns[name] or df.source[name]
    end
    for i = 1, df.nrows do
      local r = {}
      for j, name in ipairs(df.names) do r[name] = cols[j][i] end
      records[i] = r
    end
  end
  return { values = M.run(records, list, "transform", {}) }, units
end

return M
