-- Specs for chartd.pattern (src/lua_pattern.c over src/pattern.c): the sandbox's string.find/match/gmatch/gsub
-- must be Lua 5.4.4's, so thousands of seeded random cases are run through both and compared.
local P = require "chartd.pattern"

-- f(...) from a local variable named f, so an argument error names 'f' for either library
-- (through pcall alone it would name 'string.find' or 'chartd.pattern.find').
local function call(f, ...)
  local r = table.pack(f(...))
  return table.unpack(r, 1, r.n)
end

-- Results of f(...) as one comparable string: each value's type and value, or the error text
-- without its "file:line: " prefix.
local function outcome(f, ...)
  local r = table.pack(pcall(call, f, ...))
  if not r[1] then return "error: " .. tostring(r[2]):gsub("^[^\n]-:%d+: ", "") end
  local parts = {}
  for i = 2, r.n do
    local v = r[i]
    parts[#parts + 1] = (math.type(v) or type(v)) .. ":" .. (type(v) == "string" and ("%q"):format(v) or tostring(v))
  end
  return table.concat(parts, " ")
end

-- Every match of a gmatch iterator (at most 60), or the error that ended it.
local function gmatch_all(gmatch, s, p, init)
  local it = gmatch(s, p, init)
  local out = {}
  for _ = 1, 60 do
    local r = table.pack(it())
    if r[1] == nil then break end
    for i = 1, r.n do out[#out + 1] = (math.type(r[i]) or type(r[i])) .. ":" .. tostring(r[i]) end
    out[#out + 1] = "|"
  end
  return table.concat(out, " ")
end

-- A replacement function whose answer depends only on its arguments: strings, numbers, nil,
-- false and (to test the error) a table.
local function replacer(log)
  return function(...)
    local args, h = table.pack(...), 0
    for i = 1, args.n do
      local s = tostring(args[i])
      for j = 1, #s do h = (h * 31 + s:byte(j)) % 1000003 end
      log[#log + 1] = s
    end
    local k = h % 7
    if k == 0 then return nil
    elseif k == 1 then return false
    elseif k == 2 then return h
    elseif k == 3 and h % 3 == 0 then return {}
    else return "<" .. table.concat(log, ",", #log - args.n + 1, #log) .. ">" end
  end
end

local SUBJECT_BYTES = { "a", "a", "b", "b", "c", "x", " ", "1", "2", "(", ")", "[", "]", "%", "^", "$", "-",
  ".", "+", "*", "?", "A", "\0", "\n", "\255" }
local ITEMS = { "a", "b", "c", "x", " ", ".", "%a", "%d", "%s", "%w", "%p", "%l", "%u", "%c", "%g", "%x", "%A",
  "%D", "%S", "%W", "%%", "%(", "%)", "%.", "%[", "%]", "%-", "%z", "%\0", "[ab]", "[^a]", "[a-c]", "[%a%d]", "[]]",
  "[^]]", "[a-]", "[-a]", "[%]]", "[^%s]", "[b-a]", "[%w_]", "[.]", "[(]", "(", ")", "()", "(a)", "(%w+)", "%1",
  "%2", "%0", "%9", "%b()", "%bab", "%bxx", "%f[%a]", "%f[^a]", "%f[%z]", "%f[%W]", "$", "^", "[", "]", "%", "%f",
  "%b", "%bx", "[%", "[^", "[]", "\0" }
local QUANTIFIERS = { "", "", "", "", "*", "+", "-", "?" }
local REPLACEMENT_PIECES = { "x", "%0", "%1", "%2", "%3", "%%", "%", "%a", "-", "", "%9" }

local function pick(t) return t[math.random(#t)] end

local function subject()
  local out = {}
  for i = 1, math.random(0, 10) do out[i] = pick(SUBJECT_BYTES) end
  return table.concat(out)
end

local function pattern()
  local out = {}
  if math.random(5) == 1 then out[1] = "^" end
  for _ = 1, math.random(0, 5) do
    if math.random(8) == 1 then
      out[#out + 1] = pick(SUBJECT_BYTES) -- raw bytes, magic ones included
    else
      out[#out + 1] = pick(ITEMS) .. pick(QUANTIFIERS)
    end
  end
  if math.random(6) == 1 then out[#out + 1] = "$" end
  return table.concat(out)
end

local function init_arg()
  local k = math.random(10)
  if k <= 4 then return nil end
  if k == 5 then return math.random(-30, 30) * 1000000000 end -- far outside either end
  return math.random(-13, 13)
end

local function replacement(log)
  local k = math.random(10)
  if k <= 5 then
    local out = {}
    for i = 1, math.random(0, 3) do out[i] = pick(REPLACEMENT_PIECES) end
    return table.concat(out)
  elseif k <= 7 then
    return { a = "A", b = false, ["1"] = 7, [1] = "one", [2] = {}, x = "%1", ["ab"] = "AB", [" "] = "_" }
  elseif k == 8 then
    return math.random(0, 9) -- a number is used as a string
  end
  return replacer(log)
end

describe("chartd.pattern", function()
  it("agrees with string.find/match/gmatch/gsub on seeded random cases", function()
    local seed = tonumber(os.getenv("PATTERN_SPEC_SEED")) or 20261124
    math.randomseed(seed)
    local cases, differ = 0, {}
    for _ = 1, 30000 do
      local s, p, init = subject(), pattern(), init_arg()
      local plain = math.random(4) == 1 or nil
      local function same(what, a, b)
        cases = cases + 1
        if a ~= b and #differ < 10 then
          differ[#differ + 1] = ("%s(%q, %q, %s): chartd %s | lua %s"):format(what, s, p, tostring(init), a, b)
        end
      end
      same("find", outcome(P.find, s, p, init, plain), outcome(string.find, s, p, init, plain))
      same("match", outcome(P.match, s, p, init), outcome(string.match, s, p, init))
      same("gmatch", outcome(gmatch_all, P.gmatch, s, p, init), outcome(gmatch_all, string.gmatch, s, p, init))
      -- the same replacement (and a fresh log for each side) so a function sees the same calls
      local state = math.random(1 << 30)
      local max_n = math.random(3) == 1 and math.random(-1, 4) or nil
      math.randomseed(state)
      local log_a, log_b = {}, {}
      local ra = replacement(log_a)
      math.randomseed(state)
      local rb = replacement(log_b)
      same("gsub", outcome(P.gsub, s, p, ra, max_n), outcome(string.gsub, s, p, rb, max_n))
      same("gsub calls", table.concat(log_a, ","), table.concat(log_b, ","))
    end
    assert.are.same({}, differ)
    assert.is_true(cases >= 150000)
  end)

  it("gives the same answers as string.* on hand-picked edge cases", function()
    local big = ("a"):rep(300)
    local cases = {
      { "find", "hello", "l", -2 }, { "find", "hello", "", 10 }, { "find", "hello", "", 6 }, { "find", "", "" },
      { "find", "a.b", ".", 1, true }, { "find", "a+b", "+", 1, true }, { "find", "x\0y", "\0" },
      { "match", "  key = value ", "^%s*(%w+)%s*=%s*(%w+)%s*$" }, { "match", "f(a(b)c)", "%b()" },
      { "match", "THE (quick) fox", "%f[%a]%a+" }, { "match", "abcabc", "(abc)%1" }, { "match", "x", "()" },
      { "match", big, ("a?"):rep(300) }, -- pattern too complex
      { "match", "abc", ("()"):rep(33) }, { "match", "abc", ("()"):rep(32) }, -- too many captures / 32 is fine
      { "match", "abc", "a)" }, { "match", "abc", "(a" }, { "match", "abc", "%1" }, { "match", "abc", "%f" },
      { "match", "abc", "a%b" }, { "match", "abc", "[a" }, { "match", "abc", "a%" }, { "match", "xyz", "a[" },
      { "gsub", "hello world", "o", "0", 1 }, { "gsub", "abc", "", "-" }, { "gsub", "abc", "%w", "%%%0" },
      { "gsub", "abc", "(a)", "%2" }, { "gsub", "abc", "a", "%" }, { "gsub", "abc", "a", "%x" },
      { "gsub", "abc", "()", "%1" }, { "gsub", "abc", "^a", "A" }, { "gsub", 123, "2", 4 },
      { "gsub", "abc", "b", {} }, { "gsub", "abc", "b", { b = true } }, { "gsub", "abc", "b", nil },
      { "gsub", "abc", "b", "x", "y" }, { "gsub", "abc", "b", "x", 1.5 }, { "find", "abc", "b", {} },
      { "find", {}, "b" }, { "match", "abc" }, { "gsub", "abc", "b", "x", -1 },
    }
    for _, c in ipairs(cases) do
      local name = table.remove(c, 1)
      local n = select("#", table.unpack(c))
      assert.are.equal(outcome(string[name], table.unpack(c, 1, n)), outcome(P[name], table.unpack(c, 1, n)),
        name .. " " .. tostring(c[2]))
    end
    assert.are.equal("error: pattern too complex", outcome(P.match, big, ("a?"):rep(300)))
    assert.are.equal("error: too many captures", outcome(P.match, "abc", ("()"):rep(33)))
  end)

  it("iterates gmatch like string.gmatch: init, literal '^', no repeated empty match", function()
    assert.are.equal(gmatch_all(string.gmatch, "abc", "^"), gmatch_all(P.gmatch, "abc", "^"))
    assert.are.equal("string:x | string:x |", gmatch_all(P.gmatch, "x^x", "[^%^]"))
    assert.are.equal("string: | string: | string: | string: |", gmatch_all(P.gmatch, "abc", "x*"))
    assert.are.equal(gmatch_all(string.gmatch, "abcd", "%a*", 3), gmatch_all(P.gmatch, "abcd", "%a*", 3))
    assert.are.equal("", gmatch_all(P.gmatch, "abc", ".", 10))
    assert.are.equal("string:c |", gmatch_all(P.gmatch, "abc", ".", -1))
    local words = {}
    for k, v in P.gmatch("a=1, b=2", "(%w+)=(%w+)") do words[#words + 1] = k .. v end
    assert.are.same({ "a1", "b2" }, words)
  end)

  it("never stops a match without a host (plain lua5.4)", function()
    -- ~4.5 million steps (n^3 / 6): far more than PAT_CHECK_STEPS, so the (absent) check runs
    assert.is_nil(P.find(("x"):rep(300), ".-.-b"))
  end)
end)
