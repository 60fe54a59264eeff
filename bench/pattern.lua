-- Pattern benchmark: chartd.pattern (the sandbox's string.find/match/gmatch/gsub) against Lua's own, in one process,
-- on the patterns lua/ really uses (planner, data parsing, layout, JSON). For each case and
-- library: N samples, each a timed loop calibrated to ~--ms milliseconds, the two libraries
-- alternating sample by sample (so load on a shared machine hits both alike); prints the
-- median ns per call and the ratio chartd / Lua as a Markdown table.
--   lua5.4 bench/pattern.lua [--cpath build/lib/?.so] [--n 21] [--ms 20]
local argv, opt = arg, { cpath = "build/lib/?.so", n = "21", ms = "20" }
for i = 1, #argv, 2 do opt[argv[i]:match("^%-%-(.+)$") or argv[i]] = argv[i + 1] end
package.cpath = opt.cpath .. ";" .. package.cpath

local P = require "chartd.pattern"
local clock = require "chartd.clock"
local N, MS = tonumber(opt.n), tonumber(opt.ms)

local PROMPT = "Show monthly revenue and profit for 2023 and 2024 by region (north, south; east) compared "
  .. "with the 2019 baseline, titled \"Revenue vs profit\" as a grouped bar chart"
local WORDS = {}
for w in PROMPT:gmatch("%S+") do WORDS[#WORDS + 1] = w end
local PARAGRAPH = ("The quick brown fox jumps over the lazy dog near the river bank. "):rep(8)
local JSON_TEXT = 'He said "hi"\nand\tleft \\ again ' .. ("plain text "):rep(6)
local ERROR_BODY = ('{"error":{"message":"Incorrect API key provided: sk-proj-AbC123_xyz*** .",'
  .. '"type":"invalid_request_error","param":null,"code":"invalid_api_key"}}'):rep(2)
local COLUMNS = { "totalRevenueUSD", "orderDate", "customerID", "NetProfitMargin", "region", "unitsSold" }
local CELLS = { " 2024-03-15 ", "2024-03-15T10:30:00Z", "  1234.50", "-0.25e3", "North", "  ", "2024-Q3" }

-- name, where lua/ uses it, and one call over realistic input (taking the library to use)
local CASES = {
  { "years: gmatch %f[%d](%d%d%d%d)%f[%D]", "planner/needs.lua", function(L)
    local n = 0
    for _ in L.gmatch(PROMPT, "%f[%d](%d%d%d%d)%f[%D]") do n = n + 1 end
    return n
  end },
  { "clauses: gmatch [^;%.%(%)]+", "planner/needs.lua", function(L)
    local n = 0
    for _ in L.gmatch(PROMPT, "[^;%.%(%)]+") do n = n + 1 end
    return n
  end },
  { "gsub %s+and%s+", "planner/needs.lua", function(L) return L.gsub(PROMPT, "%s+and%s+", ", ") end },
  { "words: gmatch %S+", "layout/text.lua", function(L)
    local n = 0
    for _ in L.gmatch(PARAGRAPH, "%S+") do n = n + 1 end
    return n
  end },
  { "camelCase: gsub (%l)(%u) x2", "planner/profile.lua", function(L)
    for _, c in ipairs(COLUMNS) do L.gsub(L.gsub(c, "(%l)(%u)", "%1 %2"), "(%u)(%u%l)", "%1 %2") end
  end },
  { "acronym: match ^%u%u+$", "planner/profile.lua", function(L)
    for _, c in ipairs(COLUMNS) do L.match(c, "^%u%u+$") end
  end },
  { "stemming: match/gsub per word", "planner/lexicon.lua", function(L)
    for _, w in ipairs(WORDS) do
      w = L.gsub(w, "'s$", "")
      if not L.match(w, "[su]s$") then L.match(w, "(%a)%1$") end
    end
  end },
  { "title: match [Tt]itled?...", "planner/offline.lua", function(L)
    return L.match(PROMPT, "[Tt]itled?%s*:?%s*[\"“']([^\"”']+)[\"”']")
  end },
  { "gsub (%a)/(%a) with a function", "planner/offline.lua", function(L)
    return L.gsub("sales/profit by region/country and a/b", "(%a)/(%a)", function(a, b) return a .. " / " .. b end)
  end },
  { "cells: trim, date, number", "data/frame.lua", function(L)
    for _, s in ipairs(CELLS) do
      local t = L.match(s, "^%s*(.-)%s*$")
      L.match(t, "^(%d%d%d%d)%-(%d%d)%-(%d%d)(.*)$")
      L.match(t, "^[-+]?%d*%.?%d*$")
    end
  end },
  { "json escape: gsub [%c\"\\] function", "util/json.lua", function(L)
    return L.gsub(JSON_TEXT, '[%c"\\]', function(c) return c end)
  end },
  { "redact: gsub sk%-[%w%-_%*]+", "planner/llm_client.lua", function(L)
    return L.gsub(ERROR_BODY, "sk%-[%w%-_%*]+", "sk-***")
  end },
  { "plain find", "planner/llm_client.lua", function(L) return L.find(ERROR_BODY, "invalid_api_key", 1, true) end },
}

-- Calls f(L) `times` times; returns the elapsed ms.
local function timed(f, L, times)
  local t0 = clock.now_ms()
  for _ = 1, times do f(L) end
  return clock.now_ms() - t0
end

local function median(xs)
  table.sort(xs)
  return xs[(#xs + 1) // 2]
end

local LIBS = { { name = "lua", lib = string }, { name = "chartd", lib = P } }
print(("Lua %s, %d samples of ~%d ms per case and library; ns per call, median\n"):format(_VERSION, N, MS))
print("| case | used in | Lua ns | chartd ns | chartd / Lua |")
print("| --- | --- | ---: | ---: | ---: |")
local ratios = {}
for _, case in ipairs(CASES) do
  local name, where, f = case[1], case[2], case[3]
  assert(select("#", f(string)) == select("#", f(P)), name) -- same shape of results
  local times = 1
  while timed(f, string, times) < MS do times = times * 2 end
  local samples = { lua = {}, chartd = {} }
  for i = 1, N do
    for k = 0, 1 do
      local lib = LIBS[(i + k) % 2 + 1] -- alternate which goes first
      samples[lib.name][#samples[lib.name] + 1] = timed(f, lib.lib, times) * 1e6 / times
    end
  end
  local lua_ns, ours_ns = median(samples.lua), median(samples.chartd)
  ratios[#ratios + 1] = ours_ns / lua_ns
  print(("| %s | %s | %.0f | %.0f | %.2f |"):format(name:gsub("|", "\\|"), where, lua_ns, ours_ns, ours_ns / lua_ns))
end
print(("\nmedian ratio %.2f, worst %.2f"):format(median({ table.unpack(ratios) }),
  math.max(table.unpack(ratios))))
