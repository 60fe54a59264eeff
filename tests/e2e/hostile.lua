-- Hostile snippets for tests/e2e/test_sandbox.py, run by lua/service.lua's debug hook
-- ({"debug":{"run":"<name>"}}, CHARTD_TEST_HOOKS=1 only) inside a worker's request coroutine.
-- Each must end in `timeout` or `resource_limit` (or a plain error) without hurting the worker.
local M = {}

function M.spin() while true do end end

function M.pcall_spin()
  while true do pcall(function() while true do end end) end
end

function M.coroutine_spin()
  coroutine.wrap(function() while true do end end)()
end

-- A pcall inside the script's own coroutine: the stop must yield that coroutine, then its resumer.
function M.coroutine_pcall_spin()
  local co = coroutine.create(function() while true do pcall(function() while true do end end) end end)
  while true do coroutine.resume(co) end
end

function M.table_bomb()
  local t, i = {}, 0
  while true do
    i = i + 1
    t[i] = { i, i, i, i }
    if i < 0 then return t end
  end
end

-- 1.5 GB: string.rep itself refuses results over 2^31 - 1 bytes before allocating
function M.rep_gigabytes() return #string.rep("x", 1536 * 1024 * 1024) end

function M.pcall_rep_loop()
  local keep = {}
  while true do
    local ok, s = pcall(string.rep, "y", 64 * 1024 * 1024)
    if ok then keep[#keep + 1] = s end
    if #keep < 0 then return keep end
  end
end

function M.deep_recursion()
  local function f(n) return 1 + f(n + 1) end
  return f(1)
end

function M.error_table() error({}) end

function M.error_nil() error(nil) end

function M.error_tostring_loop()
  error(setmetatable({}, { __tostring = function() while true do end end }))
end

-- Catastrophic backtracking inside one C call, where no Lua hook runs: ".-.-b" on 250,000
-- characters is ~2.6e15 steps (days). The sandbox's string functions are chartd.pattern's,
-- which ask the host every few thousand steps whether to stop (src/lua_pattern.c).
local BIG = 250000

function M.pattern_backtracking()
  return (("x"):rep(BIG)):find(".-.-b")
end

-- The stop raises an error that pcall swallows; the host's count hook then stops the loop.
function M.pattern_pcall_loop()
  local s = ("x"):rep(BIG)
  while true do pcall(function() return s:match(".-.-b") end) end
end

function M.pattern_gsub_function()
  return (("x"):rep(BIG)):gsub(".-.-b", function(m) return m end)
end

function M.pattern_gmatch()
  local n = 0
  for _ in (("x"):rep(BIG)):gmatch(".-.-b") do n = n + 1 end
  return n
end

-- In the script's own coroutine, in a pcall loop: the stop comes from up the resumer chain.
function M.pattern_coroutine()
  local s = ("x"):rep(BIG)
  local co = coroutine.create(function()
    while true do pcall(string.find, s, ".-.-b") end
  end)
  while true do coroutine.resume(co) end
end

function M.gc_loop()
  setmetatable({}, { __gc = function() while true do end end })
  collectgarbage()
  while true do end
end

-- What the sandbox removed (each returns a string naming what it could reach, or nil).
function M.escape()
  local found = {}
  if io.popen then found[#found + 1] = "io.popen" end
  if io.open("/etc/passwd") then found[#found + 1] = "io.open /etc/passwd" end
  if io.open(require("chartd.host").home .. "/themes/light.lua", "w") then found[#found + 1] = "io.open w" end
  if os.execute or os.getenv or os.remove then found[#found + 1] = "os" end
  if debug or dofile or loadfile or string.dump or package.loadlib then
    found[#found + 1] = "debug/dofile/loadfile/dump/loadlib"
  end
  if load("\27Lua") then found[#found + 1] = "binary load" end
  if pcall(require, "io") and require("io") then found[#found + 1] = "require io" end
  package.path = "/tmp/?.lua;" .. package.path
  if pcall(require, "chartd_sandbox_probe") then found[#found + 1] = "require from /tmp" end
  if pcall(require, "..etc.passwd") then found[#found + 1] = "require .." end
  error(#found == 0 and "sandbox holds" or ("sandbox leaks: " .. table.concat(found, ", ")))
end

-- One C call that does not come back to Lua for about opts.hold_ms: table.move over nils
-- allocates nothing and runs no hook, so neither the watchdog nor the memory cap can stop it
-- (tests/e2e/test_readyz_stuck.py: /readyz is 503 while it runs past its deadline). Until
-- opts.ready_ms the same work runs in short calls (back in Lua between them, stoppable), which
-- measure the machine's speed; the long call is sized by the fastest of them, so a loaded
-- machine that speeds up (the sanitizer suite under other builds) cannot cut it short.
function M.stuck_c_call(opts)
  local now = require("chartd.clock").now_ms
  local start, per_ms, n = now(), 0, 2000000
  repeat
    local t0 = now()
    table.move({}, 1, n, 1, {})
    per_ms = math.max(per_ms, n / math.max(now() - t0, 0.001))
  until now() - start >= (opts.ready_ms or 0)
  table.move({}, 1, math.floor(per_ms * (opts.hold_ms or 10000)), 1, {})
  return "returned"
end

return M
