-- {"regression": "y", "on": "x", "method": "linear", "groupby": [...], "extent": [a, b],
-- "params": bool, "as": [x, y]}: per group, the least-squares line as Vega computes it (running
-- means, the same formula), given by its two end points over the data's x extent — or, with
-- params, its coefficients and r². Methods: linear and constant; others are an error.
local errors = require "util.errors"
local expression = require "transforms.expression"
local json = require "util.json"
local ops = require "transforms.ops"

local M = {}

M.METHODS = { linear = true, constant = true }

local function num(v)
  if v == nil or v == json.null then return nil end
  local n = type(v) == "number" and v or expression.to_number(v)
  if n ~= n then return nil end
  return n
end

-- Ordinary least squares over the valid (x, y) points → intercept, slope, r², n, x extent.
function M.fit(rows, xf, yf, method)
  local X, Y, XY, X2, n, lo, hi = 0, 0, 0, 0, 0, nil, nil
  local pts = {}
  for _, r in ipairs(rows) do
    local x, y = num(r[xf]), num(r[yf])
    if x and y then
      n = n + 1
      X, Y = X + (x - X) / n, Y + (y - Y) / n
      XY, X2 = XY + (x * y - XY) / n, X2 + (x * x - X2) / n
      pts[n] = { x, y }
      if lo == nil or x < lo then lo = x end
      if hi == nil or x > hi then hi = x end
    end
  end
  local intercept, slope = Y, 0
  if method ~= "constant" then
    local delta = X2 - X * X
    slope = math.abs(delta) < 1e-24 and 0 or (XY - X * Y) / delta
    intercept = Y - slope * X
  end
  local sse, sst = 0, 0
  for _, p in ipairs(pts) do
    local e = p[2] - (intercept + slope * p[1])
    sse, sst = sse + e * e, sst + (p[2] - Y) ^ 2
  end
  return intercept, slope, sst == 0 and 1 or 1 - sse / sst, n, lo, hi
end

function M.apply(records, t, path)
  local yf, xf = t.regression, t.on
  if type(yf) ~= "string" or type(xf) ~= "string" then
    error(errors.new("invalid_spec", path, 'needs "regression" (the y field) and "on" (the x field)'))
  end
  local method = t.method or "linear"
  if not M.METHODS[method] then
    error(errors.new("invalid_spec", path .. ".method",
      ('"%s" regression is not supported; methods are linear, constant'):format(tostring(method))))
  end
  local groupby = type(t.groupby) == "table" and t.groupby or {}
  local as = type(t.as) == "table" and t.as or { xf, yf }
  local out = json.array({})
  for _, g in ipairs(ops.group(records, groupby)) do
    local a, b, r2, n, lo, hi = M.fit(g.rows, xf, yf, method)
    local dof = method == "constant" and 1 or 2
    if n > dof then
      local function add(fields) out[#out + 1] = ops.group_record(groupby, g, fields) end
      if t.params then
        add({ coef = json.array({ a, b }), rSquared = r2 })
      else
        local ext = type(t.extent) == "table" and t.extent or { lo, hi }
        for _, x in ipairs({ num(ext[1]), num(ext[2]) }) do add({ [as[1]] = x, [as[2]] = a + b * x }) end
      end
    end
  end
  return out
end

return M
