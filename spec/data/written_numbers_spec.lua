-- Numbers as spreadsheets and statistics offices write them, by class: random tables whose
-- numeric columns are each written in one random format (group separator, percent or currency
-- sign before or after, with or without a space, accounting or minus negatives, decimals,
-- placeholders for missing values) must come back as numbers equal to the values the test wrote
-- them from, with the unit kept (decimal commas too, where a group or a unit shows them);
-- columns with one near-miss cell (codes, ranges, dates, a second format, bad groups) must stay
-- text — through CSV (C and Lua readers) and through JSON records alike.
local frame = require "data.frame"
local json = require "util.json"

local gen = require("seeded").new(20261206)
-- picks from the high bits of the LCG (charts.shared.sample_rng): seeded.rand's low bits repeat
-- with a short period, and a format of four random choices must meet every combination
local rnd = require("charts.shared.sample_rng").lcg(20261206)
local function rand(n) return math.floor(rnd() * n) + 1 end
local function pick(list) return list[rand(#list)] end

local GROUPS = { ",", " ", "'", "\194\160", "\226\128\137", "\226\128\175" }
-- groups beside a decimal comma ("1.234,5", "1 234,5")
local COMMA_GROUPS = { ".", " ", "\194\160", "\226\128\137" }
local SIGNS = { "$", "€", "£", "¥", "₹", "US$" }

-- A random format: { group = sep | nil, unit = "%" | sign | nil, before = sign before,
-- space = between sign and number, parens = accounting negatives, decimals, comma = the decimal
-- mark is "," (then one or two decimals, always written: three would read as a thousand) }.
local function random_format()
  local f = { decimals = rand(4) - 1, space = rand(2) == 1 and " " or "", parens = rand(3) == 1 }
  if rand(4) > 1 then f.group = pick(GROUPS) end
  if rand(5) == 1 then f.comma, f.group, f.decimals = true, pick(COMMA_GROUPS), rand(2) end
  local u = rand(4)
  if u == 2 then f.unit = "%"
  elseif u == 3 then f.unit, f.before = pick(SIGNS), rand(3) > 1 end
  if f.unit == "US$" then f.before = true end -- "5US$" is nobody's way
  -- the unit marker data.frame keeps: a sign before the number starts with "^"
  f.marker = f.unit and ((f.before and "^" or "") .. f.unit) or nil
  return f
end

local function grouped(digits, sep)
  if not sep then return digits end
  local out = digits:sub(1, (#digits - 1) % 3 + 1)
  for k = #out + 1, #digits, 3 do out = out .. sep .. digits:sub(k, k + 2) end
  return out
end

-- A value (an integer count of 10^-decimals, signed unless `positive`) written in format f →
-- text, the number.
local function write(f, positive, at_least)
  local magnitude = at_least or ({ 9, 999, 99999, 99999999 })[rand(4)]
  local units = rand(magnitude + 1) - 1 + (at_least or 0)
  local negative = not positive and rand(4) == 1 and units > 0
  local whole, frac = tostring(units), ""
  if f.decimals > 0 then
    local cents = rand(10 ^ f.decimals) - 1
    frac = string.format("%0" .. f.decimals .. "d", cents)
  end
  local body = grouped(whole, f.group) .. (frac ~= "" and (f.comma and "," or ".") .. frac or "")
  local value = tonumber(whole .. (frac ~= "" and "." .. frac or ""))
  if f.unit and f.before then body = f.unit .. f.space .. body
  elseif f.unit then body = body .. f.space .. f.unit end
  if negative then
    value = -value
    body = f.parens and "(" .. body .. ")" or (rand(5) == 1 and "\226\136\146" or "-") .. body
  end
  if rand(6) == 1 then body = body .. " " end -- a trailing space from the export
  return body, value
end

local function csv_cell(s)
  if s:find('[,"\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local function to_csv(names, cols, n)
  local lines = {}
  local cells = {}
  for j, name in ipairs(names) do cells[j] = csv_cell(name) end
  lines[1] = table.concat(cells, ",")
  for i = 1, n do
    cells = {}
    for j, name in ipairs(names) do cells[j] = csv_cell(cols[name][i] or "") end
    lines[#lines + 1] = table.concat(cells, ",")
  end
  return table.concat(lines, "\n") .. "\n"
end

local function to_records(names, cols, n)
  local out = {}
  for i = 1, n do
    local r = {}
    for _, name in ipairs(names) do r[name] = cols[name][i] end
    out[i] = r
  end
  return { values = out }
end

-- A column of n cells in one random format → texts, values (nil where missing), the marker.
local function number_column(n)
  local f = random_format()
  local texts, values = {}, {}
  for i = 1, n do
    local r = rand(20)
    if r == 1 then texts[i] = "" -- missing
    elseif r == 2 then texts[i] = pick({ "-", "..", "n/a", "—" }) -- a placeholder
    else texts[i], values[i] = write(f) end
  end
  -- one number that is not negative: a column of "(1)", "(2)" alone stays text (data.numbers);
  -- a decimal comma shows by a group or a unit ("3,5" alone may be a list)
  local k = rand(n)
  texts[k], values[k] = write(f, true, f.comma and not f.unit and 1000 or nil)
  return texts, values, f.marker, f
end

-- Cells that look like numbers but are something else; a column holding one is text.
local NEAR_MISSES = { "25-34", "0-39g/day", "120+", "Qn1", "1945-Q1", "Jan 1949", "a, b", "1, 2", "12,34",
  "1,2345", "0,123", "1.234,5", "3,5", "+44 20 7946 0958", "1.2.3", "12.05.2020", "3:45", "1/2", "5 kg",
  "#12", "12%%", "$$5", "(-5)", "€5 €", "N12", "12e", "1,234.5.6", "x", "1 23", "1,,234", ",123", "12 34 5" }

describe("numbers as spreadsheets write them", function()
  it("reads each column in its one format, through CSV and records, with the values written", function()
    for _ = 1, 150 do
      local n, ncols = rand(30) + 2, rand(4)
      local names, cols, want, markers = {}, {}, {}, {}
      for j = 1, ncols do
        local name = gen.word(2) .. j
        names[j] = name
        cols[name], want[name], markers[name] = number_column(n)
      end
      for _, data in ipairs({ to_csv(names, cols, n), to_records(names, cols, n) }) do
        local df = assert(frame.from_data(data))
        for _, name in ipairs(names) do
          local where = ("%s: %s"):format(name, json.encode(cols[name]))
          assert.equal("quantitative", df.types[name], where)
          for i = 1, n do assert.equal(want[name][i], df.columns[name][i], where .. " row " .. i) end
          assert.equal(markers[name], df.units[name], where)
        end
      end
    end
  end)

  it("keeps a column text when one cell is a near miss or in another format", function()
    for _ = 1, 300 do
      local n = rand(20) + 2
      local texts, _, _, f = number_column(n)
      local second = random_format()
      -- one more cell: a near miss, or a number with another unit (or none where there is one)
      n = n + 1
      if rand(3) == 1 and second.marker ~= f.marker then
        texts[n] = write(second, true)
      else
        repeat
          texts[n] = pick(NEAR_MISSES)
          -- "3,5" in a column whose groups are spaces or which has none is a decimal comma
        until not (texts[n]:match("^[%d%.]*,%d+$") and f.group ~= "," and f.group ~= "'")
      end
      table.insert(texts, rand(n), table.remove(texts, n))
      for _, data in ipairs({ to_csv({ "v" }, { v = texts }, n), to_records({ "v" }, { v = texts }, n) }) do
        local df = assert(frame.from_data(data))
        local where = json.encode(texts)
        assert.are_not.equal("quantitative", df.types.v, where)
        -- text stays as written
        for i = 1, n do
          local t = texts[i]
          if t ~= "" then assert.equal(t, df.columns.v[i], where) end
        end
      end
    end
  end)

  it("never raises on random strings of number-like bytes, and a numeric column holds only numbers", function()
    local alphabet = { "1", "2", "0", "9", ",", ".", " ", "%", "$", "€", "(", ")", "-", "+", "\226\136\146",
      "\194\160", "'", "e", "US", "n/a", "..", "\255" }
    for _ = 1, 400 do
      local cells = {}
      for i = 1, rand(5) do
        local t = {}
        for k = 1, rand(8) do t[k] = pick(alphabet) end
        cells[i] = { v = table.concat(t) }
      end
      local df = assert(frame.from_data({ values = cells }))
      if df.types.v == "quantitative" then
        for i = 1, df.nrows do
          local x = df.columns.v[i]
          assert(x == nil or (type(x) == "number" and x == x), json.encode(cells))
        end
      end
    end
  end)

  it("keeps columns of near misses as text and dates as dates", function()
    for _, cells in ipairs({ { "25-34", "35-44", "45-54" }, { "0-39g/day", "40-79", "80-119", "120+" },
      { "Qn1", "Qn2" }, { "a, b", "c" }, { "1, 2", "3, 4" }, { "12,34", "1,234" }, { "(1)", "(2)", "(3)" },
      { "3,5", "2,25" }, { "$45,939", "$12,34" }, { "1.234,5", "3,125" }, { "58%", "7" }, { "$5", "€5" },
      { "1,234", "1 234" }, { "-", "n/a" } }) do
      local df = assert(frame.from_data({ values = (function()
        local out = {}
        for i, c in ipairs(cells) do out[i] = { v = c } end
        return out
      end)() }))
      assert.equal("nominal", df.types.v, json.encode(cells))
    end
    for _, cells in ipairs({ { "1945-Q1", "1945-Q2" }, { "Jan 1949", "Feb 1949" }, { "2024-01-15", "2024-02-01" } }) do
      local df = assert(frame.from_data({ values = { { v = cells[1] }, { v = cells[2] } } }))
      assert.equal("temporal", df.types.v, json.encode(cells))
    end
  end)

  it("reads a decimal comma where a group or a unit shows it", function()
    for _, case in ipairs({ { { "1.234,5", "12,5", "3" }, { 1234.5, 12.5, 3 } },
      { { "3,5 %", "12,25 %" }, { 3.5, 12.25 } }, { { "12,50 €", "1.234,00 €" }, { 12.5, 1234 } },
      { { "1 234,5", "0,125" }, { 1234.5, 0.125 } } }) do
      local recs = {}
      for i, c in ipairs(case[1]) do recs[i] = { v = c } end
      local df = assert(frame.from_data({ values = recs }))
      assert.equal("quantitative", df.types.v, json.encode(case[1]))
      for i, want in ipairs(case[2]) do assert.equal(want, df.columns.v[i], json.encode(case[1])) end
    end
  end)

  it("reads the R datasets' columns: WorldPhones' grouped counts, USArrests' percentages", function()
    local df = assert(frame.from_data('Year,N.Amer,Africa\n1951,"45,939",89\n1956,"60,423","1,411"\n'))
    assert.same({ 45939, 60423 }, { df.columns["N.Amer"][1], df.columns["N.Amer"][2] })
    assert.same({ 89, 1411 }, { df.columns.Africa[1], df.columns.Africa[2] })
    df = assert(frame.from_data("State,UrbanPop\nAlabama,58%\nAlaska,48%\n"))
    assert.same({ 58, 48 }, { df.columns.UrbanPop[1], df.columns.UrbanPop[2] })
    assert.equal("%", df.units.UrbanPop)
    -- the LLM is told the unit of the numbers it sees
    assert.truthy(require("planner.openai").describe(df):find('"UrbanPop" (quantitative, in %)', 1, true))
  end)

  it("forcing a written-number column to a type and back keeps values and unit", function()
    local df = assert(frame.from_data("k,v\na,\"$1,200.50\"\nb,($30)\nc,-\n"))
    assert.same({ 1200.5, -30 }, { df.columns.v[1], df.columns.v[2] })
    assert.is_nil(df.columns.v[3])
    assert(frame.set_type(df, "v", "nominal"))
    assert.equal("$1,200.50", df.columns.v[1])
    assert.is_nil(df.units.v)
    assert(frame.set_type(df, "v", "quantitative"))
    assert.equal(1200.5, df.columns.v[1])
    assert.equal("^$", df.units.v)
  end)
end)

describe("written numbers, C and Lua readers", function()
  it("agree on a CSV of more than 10,000 rows (numbers the C reader keeps as doubles)", function()
    local n = 12000
    local names = { "plain", "grouped", "share", "money", "euro", "code", "when" }
    local cols = { plain = {}, grouped = {}, share = {}, money = {}, euro = {}, code = {}, when = {} }
    local euro_f = { unit = "€", comma = true, group = ".", decimals = 2, space = " " }
    local grouped_f = { group = ",", decimals = 0, space = "" }
    local share_f = { unit = "%", decimals = 1, space = "" }
    local money_f = { unit = "$", before = true, group = ",", decimals = 2, space = "", parens = true }
    for i = 1, n do
      cols.plain[i] = tostring(rand(100000) - 500)
      cols.grouped[i] = write(grouped_f)
      cols.share[i] = write(share_f)
      cols.money[i] = write(money_f)
      cols.euro[i] = write(euro_f)
      cols.code[i] = i == n and "1,2345" or write(grouped_f) -- a near miss in the last row
      cols.when[i] = ("20%02d-%02d-%02d"):format(rand(30) - 1, rand(12), rand(28))
    end
    local text = to_csv(names, cols, n)
    local saved = frame.native_csv
    assert.is_function(saved)
    local native = assert(frame.from_data(text))
    frame.native_csv = nil
    local ok, lua = pcall(frame.from_data, text)
    frame.native_csv = saved
    assert(ok, lua)
    assert(lua, "the Lua reader read it")
    assert.same({ "quantitative", "quantitative", "quantitative", "quantitative", "quantitative", "nominal",
      "temporal" }, { native.types.plain, native.types.grouped, native.types.share, native.types.money,
        native.types.euro, native.types.code, native.types.when })
    for _, name in ipairs(names) do
      assert.equal(lua.types[name], native.types[name], name)
      assert.equal(lua.units[name], native.units[name], name)
      local a, b = native.columns[name], lua.columns[name]
      for i = 1, n do
        if a[i] ~= b[i] then error(("%s row %d: C %s, Lua %s"):format(name, i, tostring(a[i]), tostring(b[i]))) end
      end
    end
    assert.equal("%", native.units.share)
    assert.equal("^$", native.units.money)
  end)
end)

describe("written percentages in follow-ups", function()
  local followup = require "planner.followup"
  local transforms = require "transforms"

  it("compare 'over N%' with the numbers as written (58 for \"58%\")", function()
    for _ = 1, 40 do
      local name = gen.word(2) .. "_" .. gen.word(2)
      local words = name:gsub("_", " ")
      local cat = gen.word(3)
      local lines, values = { cat .. "," .. name }, {}
      local space = rand(2) == 1 and " " or ""
      for i = 1, 30 do
        values[i] = rand(1000) / 10
        lines[#lines + 1] = ("g%d,%s%s%%"):format(i, frame.number_text(values[i]), space)
      end
      local df = assert(frame.from_data(table.concat(lines, "\n") .. "\n"))
      local n = rand(90) + 5
      local prompt = pick({ "only rows with %s over %d%%", "%s above %d percent", "keep %s > %d%%" }):format(words, n)
      local base = { type = "bar", encoding = { x = { field = cat, type = "nominal" },
        y = { field = name, type = "quantitative" } } }
      local r = followup.interpret(prompt, base, df)
      assert.equal("edit", r.kind, prompt)
      local want = 0
      for _, v in ipairs(values) do if v > n then want = want + 1 end end
      assert.equal(want, #transforms.run(frame.to_records(df), r.spec.transform, "transform"), prompt)
    end
  end)
end)
