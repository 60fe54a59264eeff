-- data_summary: the aggregated table each chart drew, exact rows, and the 100-row cap.
local pipeline = require "pipeline"
local json = require "util.json"

local function summary(raw)
  raw.width, raw.height = raw.width or 400, raw.height or 300
  local result, err = pipeline.render(raw)
  assert(result, err and err.message)
  return result.data_summary
end

-- Plain tables (json.null → "null") so assert.same compares values only.
local function plain(s)
  local rows = {}
  for i, r in ipairs(s.rows) do
    rows[i] = {}
    for k, v in ipairs(r) do rows[i][k] = v == json.null and "null" or v end
  end
  local cols = {}
  for i, c in ipairs(s.columns) do cols[i] = c end
  return { columns = cols, rows = rows, total_rows = s.total_rows, truncated = s.truncated }
end

describe("data_summary", function()
  it("bar: y summed per x and colour, in drawing order", function()
    local s = summary {
      type = "bar",
      data = { values = {
        { q = "Q1", region = "N", sales = 10 }, { q = "Q1", region = "S", sales = 5 },
        { q = "Q2", region = "N", sales = 7 }, { q = "Q1", region = "N", sales = 3 },
        { q = "Q2", region = "S", sales = 1 }, { q = "Q2", region = "S", sales = 2 },
      } },
      encoding = { x = { field = "q", type = "nominal" }, y = { field = "sales", type = "quantitative" },
        color = { field = "region", type = "nominal" } },
    }
    assert.same({ columns = { "q", "region", "sales" },
      rows = { { "Q1", "N", 13 }, { "Q1", "S", 5 }, { "Q2", "N", 7 }, { "Q2", "S", 3 } },
      total_rows = 4, truncated = false }, plain(s))
    assert.is_true(json.is_array(s.rows) and json.is_array(s.columns))
  end)

  it("histogram: bin edges and counts", function()
    local s = summary {
      type = "histogram",
      data = { values = { { v = 0 }, { v = 1 }, { v = 1.5 }, { v = 2 }, { v = 3.5 }, { v = 4 } } },
      encoding = { x = { field = "v", type = "quantitative", bin = { step = 2 } } },
    }
    assert.same({ columns = { "bin_start", "bin_end", "count" },
      rows = { { 0, 2, 3 }, { 2, 4, 3 } }, total_rows = 2, truncated = false }, plain(s))
  end)

  it("pie: value and percent per slice", function()
    local s = summary {
      type = "pie",
      data = { values = { { k = "a", n = 1 }, { k = "b", n = 1 }, { k = "a", n = 2 }, { k = "c", n = 4 } } },
      encoding = { theta = { field = "n", type = "quantitative" }, color = { field = "k", type = "nominal" } },
    }
    assert.same({ "k", "n", "percent" }, plain(s).columns)
    local by = {}
    for _, r in ipairs(s.rows) do by[r[1]] = { r[2], r[3] } end
    assert.same({ a = { 3, 37.5 }, b = { 1, 12.5 }, c = { 4, 50 } }, by)
    assert.equal(3, s.total_rows)
  end)

  it("box: five numbers per group (type-7 quartiles)", function()
    local values = {}
    for _, v in ipairs { 1, 2, 3, 4, 5 } do values[#values + 1] = { g = "x", v = v } end
    for _, v in ipairs { 10, 20, 30, 40 } do values[#values + 1] = { g = "y", v = v } end
    local s = summary {
      type = "box", data = { values = values },
      encoding = { x = { field = "g", type = "nominal" }, y = { field = "v", type = "quantitative" } },
    }
    assert.same({ columns = { "g", "min", "q1", "median", "q3", "max" },
      rows = { { "x", 1, 2, 3, 4, 5 }, { "y", 10, 17.5, 25, 32.5, 40 } },
      total_rows = 2, truncated = false }, plain(s))
  end)

  it("heatmap: one row per cell with the aggregate", function()
    local s = summary {
      type = "heatmap",
      data = { values = { { a = "p", b = "u", v = 2 }, { a = "p", b = "u", v = 4 }, { a = "q", b = "u", v = 5 } } },
      encoding = { x = { field = "a", type = "nominal" }, y = { field = "b", type = "nominal" },
        color = { field = "v", type = "quantitative", aggregate = "mean" } },
    }
    assert.same({ columns = { "a", "b", "v" }, rows = { { "p", "u", 3 }, { "q", "u", 5 } },
      total_rows = 2, truncated = false }, plain(s))
  end)

  it("scatter: capped at 100 rows, total_rows exact, truncated", function()
    local values = {}
    for i = 1, 250 do values[i] = { x = i, y = i * 2 } end
    values[251] = { x = 5 } -- no y: not plotted, not counted
    local s = summary {
      type = "scatter", data = { values = values },
      encoding = { x = { field = "x", type = "quantitative" }, y = { field = "y", type = "quantitative" } },
    }
    assert.equal(100, #s.rows)
    assert.equal(250, s.total_rows)
    assert.is_true(s.truncated)
    assert.same({ "x", "y" }, plain(s).columns)
    assert.same({ 100, 200 }, plain(s).rows[100])
  end)

  it("hexbin: the hexagons drawn, densest first, counts adding up to the points", function()
    local values = {}
    for i = 1, 300 do values[i] = { a = i % 5, b = (i * 7) % 6 } end
    values[301] = { a = 1 } -- no b: not binned
    local s = summary {
      type = "hexbin", data = { values = values },
      encoding = { x = { field = "a", type = "quantitative" }, y = { field = "b", type = "quantitative" } },
    }
    local p = plain(s)
    assert.same({ "a (centre)", "b (centre)", "count" }, p.columns)
    local total = 0
    for k, row in ipairs(p.rows) do
      total = total + row[3]
      if k > 1 then assert.is_true(row[3] <= p.rows[k - 1][3]) end
      assert.is_true(row[1] >= -1 and row[1] <= 5 and row[2] >= -1 and row[2] <= 6)
    end
    assert.equal(300, total)
    assert.equal(#p.rows, s.total_rows)
    assert.is_false(s.truncated)
  end)

  it("other types fall back to the encoded fields of the data rows", function()
    local s = summary {
      type = "funnel",
      data = { values = { { stage = "Visit", n = 100 }, { stage = "Buy", n = 20 } } },
      encoding = { x = { field = "n", type = "quantitative" }, y = { field = "stage", type = "nominal" } },
    }
    assert.same({ columns = { "n", "stage" }, rows = { { 100, "Visit" }, { 20, "Buy" } },
      total_rows = 2, truncated = false }, plain(s))
  end)

  it("encodes empty rows as a JSON array", function()
    local text = json.encode(require("charts.shared.summary").table({}, {}))
    assert.truthy(text:find('"rows":[]', 1, true))
    assert.truthy(text:find('"columns":[]', 1, true))
  end)
end)
