-- The top-n transform step (chartd's own), applied through chartspec.validate as a client sends it.
local validate = require "chartspec.validate"

local ROWS = {
  { region = "EU", sales = 10, day = "2023-12-31" }, { region = "EU", sales = 30, day = "2024-01-15" },
  { region = "US", sales = 25, day = "2024-06-01" }, { region = "APAC", sales = 5, day = "2025-02-01" },
  { region = "US", sales = 40, day = "2024-12-31" }, { region = "LATAM", sales = 1, day = "2024-03-03" },
}

local function spec(transform)
  return { type = "bar", data = { values = ROWS }, transform = transform,
    encoding = { x = { field = "region" }, y = { field = "sales", aggregate = "sum" } } }
end

-- The sales kept after the transform, in row order.
local function kept(transform)
  local out, errs = validate.spec(spec(transform))
  if not out then return nil, errs[1] end
  local col = out.data.columns.sales
  local list = {}
  for i = 1, out.data.nrows do list[i] = col[i] end
  return list
end

describe("transform top", function()
  it("keeps the whole rows of the n groups with the largest aggregate", function()
    -- sums: US 65, EU 40, APAC 5, LATAM 1
    assert.same({ 10, 30, 25, 40 }, kept { { top = 2, groupby = { "region" }, field = "sales", op = "sum" } })
    -- counts: EU 2, US 2, then APAC/LATAM 1: the first two groups by count
    assert.same({ 10, 30, 25, 40 }, kept { { top = 2, groupby = { "region" } } })
    assert.same({ 1 }, kept { { top = 1, groupby = "region", field = "sales", op = "max", order = "ascending" } })
  end)

  it("refuses a bad count, field or order", function()
    local _, e = kept { { top = 0, groupby = { "region" } } }
    assert.equal("transform[0].top", e.path)
    _, e = kept { { top = 3, groupby = { "region" }, field = "region", op = "sum" } }
    assert.equal("transform[0].field", e.path)
    _, e = kept { { top = 3, groupby = { "nope" } } }
    assert.equal("unknown_field", e.code)
  end)
end)
