-- busted helper of the sanitizer build only (tests/tests.cmake adds it with --helper): scales
-- luacheck: ignore 122 (os.clock is replaced on purpose)
-- the specs' CPU-time budgets. lua5.4 runs there with ASan's allocator preloaded, which makes
-- Lua's allocations about 3x slower (scatter_spec's 100,000-point render: 0.95 s of CPU in the
-- plain build, 3.03 s under ASan, against a 3 s budget), so os.clock counts a third as fast
-- and every `os.clock() - t0 < budget` keeps the margin it has in the plain build.
local SCALE = 3
local clock = os.clock
os.clock = function()
  return clock() / SCALE
end
