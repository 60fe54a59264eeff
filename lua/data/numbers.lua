-- Numbers as spreadsheets and statistics offices write them: "45,939", "1 234" (space, thin or
-- no-break space), "58%", "12.5 %", "$1,200.50", "€3.2", "£ 40", "12 €", "(1,234)" (an
-- accounting negative), "−5" (a real minus). data.frame reads a column with these as numbers
-- only when every cell follows ONE format (see M.column); one cell is read by M.read.
--
-- The decimal mark is ".", or "," in a column that says so: "1,234" is a thousand by one reading
-- and 1.234 by the other, so a column is read with a decimal comma only when no cell reads with
-- a point, no cell reads as a thousands comma ("45,939", "$1,234": ambiguous) and some cell
-- shows a group or a unit ("1.234,5", "3,5 %", "12,50 €"); "3,5" / "1,2" alone stay text (they
-- may as well be lists). "1.234" alone is the number 1.234, as it always was.
local M = {}

-- Group separators: comma, apostrophe (Swiss), space, no-break space, thin space, narrow
-- no-break space; with a decimal comma, a point instead of the comma and the apostrophe.
local GROUPS = { ",", "'", " ", "\194\160", "\226\128\137", "\226\128\175" }
local COMMA_GROUPS = { ".", " ", "\194\160", "\226\128\137", "\226\128\175" }
-- Currency signs read before or after the number; "US$", "C$", "A$", "NZ$", "HK$", "R$" too.
local CURRENCIES = { "$", "€", "£", "¥", "₹", "₩", "₽", "₺", "₪", "¢" }
local MINUS = "\226\136\146" -- U+2212

-- Cells a statistics office writes for "no value" in a numeric column; they are missing there
-- (in a text column they stay text).
M.PLACEHOLDERS = { ["-"] = true, ["–"] = true, ["—"] = true, [".."] = true, ["..."] = true, ["…"] = true,
  ["n/a"] = true, ["N/A"] = true }

local NBSP = "\194\160"

local function trim(s)
  -- ASCII space and the no-break spaces a spreadsheet pads with
  while true do
    local t = s:gsub("^%s+", ""):gsub("%s+$", "")
    if t:sub(1, 2) == NBSP then t = t:sub(3) end
    if t:sub(-2) == NBSP then t = t:sub(1, -3) end
    if t == s then return s end
    s = t
  end
end

local function strip_prefix(s, list)
  for _, p in ipairs(list) do
    if s:sub(1, #p) == p then return s:sub(#p + 1), p end
  end
  return s, nil
end

local function strip_suffix(s, list)
  for _, p in ipairs(list) do
    if #s > #p and s:sub(-#p) == p then return s:sub(1, -#p - 1), p end
  end
  return s, nil
end

-- "1,234,567" → 1234567, "," ; "1234" → 1234, nil; nil for anything else (groups of three
-- after a lead of one to three digits that is not a zero).
local function integer_part(s, groups)
  if s:match("^%d+$") then return s, nil end
  local lead, rest = s:match("^([1-9]%d?%d?)(%D.*)$")
  if not lead then return nil end
  for _, sep in ipairs(groups) do
    if rest:sub(1, #sep) == sep then
      local digits, pos = { lead }, 1
      while pos <= #rest do
        if rest:sub(pos, pos + #sep - 1) ~= sep then return nil end
        local g = rest:match("^%d%d%d", pos + #sep)
        if not g then return nil end
        digits[#digits + 1] = g
        pos = pos + #sep + 3
      end
      return table.concat(digits), sep
    end
  end
  return nil
end

-- M.read(text) → value, group separator | nil, unit | nil, parenthesized; nil when the text is
-- not a number in one of these forms. The unit is "%" or a currency sign, marked by where it
-- stands: "%" / "$" after, "^$" before. The value is as written: "58%" → 58. `comma`: the
-- decimal mark is ",".
function M.read(s, comma)
  if type(s) ~= "string" or #s > 64 then return nil end
  if not comma then
    -- the usual cells first, with a few searches in C: "45,939", "1,234.5", "58%", "-12.5%"
    local int, frac = s:match("^([1-9]%d?%d?,[%d,]*)(%.?%d*)$")
    if int and frac ~= "." and not (int:find(",%d?%d?,") or int:find(",%d?%d?$") or int:find(",%d%d%d%d")) then
      return tonumber((int:gsub(",", "")) .. frac), ",", nil, false
    end
    local points = s:match("^(%-?%d+%.?%d*)%%$")
    if points and points:sub(-1) ~= "." then return tonumber(points), nil, "%", false end
  end
  local t = trim(s)
  local paren = false
  local inner = t:match("^%((.*)%)$")
  if inner then t, paren = trim(inner), true end
  local negative = false
  local function sign()
    local c = t:sub(1, 1)
    if c == "-" or c == "+" then
      negative, t = c == "-", t:sub(2)
    elseif t:sub(1, #MINUS) == MINUS then
      negative, t = true, t:sub(#MINUS + 1)
    end
  end
  sign()
  local unit
  -- a currency sign before: "$5", "US$ 5", "-$5", "$-5"
  local letters, rest = t:match("^(%u%u?)(%$.*)$")
  local body, cur = strip_prefix(rest or t, CURRENCIES)
  if cur then
    unit, t = "^" .. (letters or "") .. cur, trim(body)
    if not negative then sign() end
  elseif letters then
    return nil
  end
  -- "%" or a currency sign after: "58%", "12.5 %", "12 €"
  if not unit then
    local b, suf = strip_suffix(t, { "%", table.unpack(CURRENCIES) })
    if suf then unit, t = suf, trim(b) end
  end
  local int, frac = t:match(comma and "^(.-),(%d+)$" or "^(.-)%.(%d+)$")
  if not int then int, frac = t, "" end
  if int == "" and frac == "" then return nil end
  local group
  if int ~= "" then
    int, group = integer_part(int, comma and COMMA_GROUPS or GROUPS)
    if not int then return nil end
  end
  local v = tonumber((int ~= "" and int or "0") .. (frac ~= "" and "." .. frac or ""))
  if not v or v ~= v or v == math.huge then return nil end
  if negative ~= paren then v = -v end
  if negative and paren then return nil end -- "(-5)" is neither form
  return v, group, unit, paren
end

-- The column read with one decimal mark (see M.column) → reader | nil.
local function read_column(cells, n, plain, comma)
  local group, unit, numbers, parens, marked = nil, false, 0, 0, false
  local values = {}
  for i = 1, n do
    local v = cells[i]
    if v ~= nil then
      local x, g, u, p
      if type(v) == "number" then
        x = v
      elseif M.PLACEHOLDERS[v] then
        x = false
      else
        -- a cell a thousands comma reads ("45,939", "$1,234") is ambiguous: no decimal comma then
        if comma and select(2, M.read(v)) == "," then return nil end
        x, g, u, p = M.read(v, comma) -- first: in such a column most cells are written numbers
        if x == nil then
          x = not comma and plain(v) or nil -- "1.5" or "1e3" in a decimal-comma column: no
          if x == nil then return nil end
        end
      end
      if x then
        values[i] = x
        numbers = numbers + 1
        if g then
          if group and g ~= group then return nil end
          group = g
        end
        if unit == false then unit = u or nil
        elseif unit ~= u then return nil end
        if p then parens = parens + 1 end
        marked = marked or g ~= nil or u ~= nil
      end
    end
  end
  if numbers == 0 or (parens > 0 and parens == numbers) or (comma and not marked) then return nil end
  return { unit = unit or nil, values = values }
end

-- M.column(cells, n, plain) → reader | nil. cells[1..n] are a column's non-missing values
-- (numbers or text); plain(v) is data.frame's reading of an ordinary number. The column is
-- numeric when every cell is a number under ONE format: at most one group separator, the same
-- unit in the same place on every cell (a "58%" column with a bare "58" is not one format),
-- placeholders ("-", "..", "n/a") as missing, at least one real number, and parentheses not
-- on every cell (a column of "(1)", "(2)" numbers notes, it does not list losses); the decimal
-- mark ".", else "," as the header of this file says. The reader is { unit = "%" | "^$" | ...
-- | nil, values = the numbers (placeholders missing) }.
function M.column(cells, n, plain)
  return read_column(cells, n, plain, false) or read_column(cells, n, plain, true)
end

return M
