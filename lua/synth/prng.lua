-- A small seeded PRNG (splitmix64 on Lua's 64-bit integers) for data synthesis: the same
-- seed gives the same sequence on every machine, unlike math.random.
local M = {}

local Rng = {}
Rng.__index = Rng

-- splitmix64 (Steele, Lea, Flood 2014): integer multiplication wraps mod 2^64 in Lua 5.4
-- and `>>` is a logical shift, which is exactly the arithmetic the algorithm needs.
function Rng:next_int()
  self.state = self.state + 0x9E3779B97F4A7C15
  local z = self.state
  z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * 0x94D049BB133111EB
  return z ~ (z >> 31)
end

-- Uniform in [0, 1): the top 53 bits, so every double step is reachable.
function Rng:uniform()
  return (self:next_int() >> 11) * (1.0 / 9007199254740992.0)
end

-- Uniform in [lo, hi).
function Rng:range(lo, hi)
  return lo + (hi - lo) * self:uniform()
end

-- Integer in [lo, hi].
function Rng:int(lo, hi)
  return lo + math.floor(self:uniform() * (hi - lo + 1))
end

-- Standard normal by Box–Muller; 1 - u keeps log() away from 0.
function Rng:normal(mean, sd)
  local u1, u2 = 1.0 - self:uniform(), self:uniform()
  local z = math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
  return (mean or 0) + (sd or 1) * z
end

-- Log-normal with the given median and log-space sigma: right-skewed, always positive.
function Rng:lognormal(median, sigma)
  return median * math.exp(self:normal(0, sigma))
end

function Rng:pick(list)
  return list[self:int(1, #list)]
end

-- A fresh generator; the seed is any integer (or float that is one).
function M.new(seed)
  local s = math.tointeger(seed) or 0
  local r = setmetatable({ state = s }, Rng)
  r:next_int() -- seeds 0, 1, 2... would otherwise start on closely related states
  return r
end

-- 64-bit FNV-1a of a string, folded to a non-negative 31-bit integer so it survives JSON and
-- every client's number type: the default seed of a request is hash(prompt).
function M.hash(s)
  local h = 0xcbf29ce484222325
  for i = 1, #s do
    h = (h ~ s:byte(i)) * 0x100000001b3
  end
  return ((h >> 33) ~ h) & 0x7fffffff
end

return M
