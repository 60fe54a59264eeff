-- Bubble chart: a scatter plot whose circles' areas encode a third value
-- (size is required). Built on charts.scatter with larger bubbles; the
-- size legend's extremes are named in the alt text.
local scatter = require "charts.scatter"
local describe = require "charts.shared.describe"
local values = require "charts.shared.values"

local M = {
  name = "bubble",
  mark = "point", -- the role of its marks in the scene
  encodings = { required = { "x", "y", "size" }, optional = { "color" } },
  options = { regression = "boolean" },
}

-- The largest bubble's radius (px); the smallest stays scatter.MIN_RADIUS.
M.MAX_RADIUS = 28

M.sample = {
  type = "bubble",
  title = "Health and wealth of nations",
  subtitle = "2019; bubble area = population",
  data = { values = {
    { country = "China", gdp = 16.1, life = 77.0, pop = 1398, region = "Asia" },
    { country = "India", gdp = 6.7, life = 70.8, pop = 1366, region = "Asia" },
    { country = "United States", gdp = 62.5, life = 78.8, pop = 328, region = "Americas" },
    { country = "Indonesia", gdp = 11.8, life = 71.7, pop = 271, region = "Asia" },
    { country = "Pakistan", gdp = 4.7, life = 67.3, pop = 217, region = "Asia" },
    { country = "Brazil", gdp = 14.7, life = 75.9, pop = 211, region = "Americas" },
    { country = "Nigeria", gdp = 5.1, life = 54.7, pop = 201, region = "Africa" },
    { country = "Bangladesh", gdp = 4.8, life = 72.6, pop = 163, region = "Asia" },
    { country = "Russia", gdp = 27.0, life = 73.2, pop = 144, region = "Europe" },
    { country = "Mexico", gdp = 19.8, life = 75.1, pop = 128, region = "Americas" },
    { country = "Japan", gdp = 41.4, life = 84.4, pop = 126, region = "Asia" },
    { country = "Ethiopia", gdp = 2.2, life = 66.6, pop = 112, region = "Africa" },
    { country = "Egypt", gdp = 11.8, life = 72.0, pop = 100, region = "Africa" },
    { country = "Germany", gdp = 53.7, life = 81.3, pop = 83, region = "Europe" },
    { country = "Turkey", gdp = 27.9, life = 77.7, pop = 83, region = "Europe" },
    { country = "France", gdp = 46.1, life = 82.7, pop = 67, region = "Europe" },
    { country = "United Kingdom", gdp = 46.7, life = 81.3, pop = 67, region = "Europe" },
    { country = "South Africa", gdp = 12.9, life = 64.1, pop = 59, region = "Africa" },
    { country = "Kenya", gdp = 4.5, life = 66.7, pop = 53, region = "Africa" },
    { country = "Argentina", gdp = 22.9, life = 76.7, pop = 45, region = "Americas" },
    { country = "Canada", gdp = 49.0, life = 82.2, pop = 38, region = "Americas" },
    { country = "Australia", gdp = 50.0, life = 83.0, pop = 25, region = "Oceania" },
    { country = "New Zealand", gdp = 43.0, life = 82.0, pop = 5, region = "Oceania" },
  } },
  encoding = {
    x = { field = "gdp", type = "quantitative", title = "GDP per person (k$, PPP)" },
    y = { field = "life", type = "quantitative", title = "Life expectancy (years)" },
    size = { field = "pop", type = "quantitative", title = "Population (millions)" },
    color = { field = "region", type = "nominal", title = "Region" },
  },
}

function M.layout(spec, theme, box)
  values.measure(spec, "size", "bubble sizes")
  local l = scatter.layout(spec, theme, box, { max_radius = M.MAX_RADIUS })
  -- Bubbles overlap a lot: a fixed, lighter fill keeps the ones behind visible.
  l.alpha = math.min(l.alpha, 0.7)
  -- The largest and smallest size value drawn, for the alt text.
  local df, enc = spec.data, spec.encoding
  local scol, xcol, ycol = df.columns[enc.size.field], df.columns[enc.x.field], df.columns[enc.y.field]
  local big, small
  for i = 1, df.nrows do
    local v = scol[i]
    if v ~= nil and xcol[i] ~= nil and ycol[i] ~= nil then
      if not big or v > scol[big] then big = i end
      if not small or v < scol[small] then small = i end
    end
  end
  l.largest, l.smallest = big, small
  return l
end

M.draw = scatter.draw

function M.describe(spec, layout)
  local text = scatter.describe(spec, layout):gsub("^Scatter plot", "Bubble chart")
  local enc = spec.encoding
  local big, small = layout.largest, layout.smallest
  if not big then return text end
  local scol = spec.data.columns[enc.size.field]
  local num = describe.number_text
  local xcol, ycol = spec.data.columns[enc.x.field], spec.data.columns[enc.y.field]
  local function at(i)
    return ("%s at (%s, %s)"):format(num(scol[i]), describe.key_text(xcol[i], spec), num(ycol[i]))
  end
  return ("%s Bubble area shows %s: largest %s, smallest %s."):format(text, enc.size.title or enc.size.field,
    at(big), at(small))
end

return M
