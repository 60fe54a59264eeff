-- Tests for layout.simplify: every dropped point lies within the tolerance of the
-- kept segment spanning it; ends stay; straight runs collapse; real bends stay.
local simplify = require "layout.simplify"

local function dist(p, a, b)
  local dx, dy = b[1] - a[1], b[2] - a[2]
  local len2 = dx * dx + dy * dy
  local t = len2 > 0 and ((p[1] - a[1]) * dx + (p[2] - a[2]) * dy) / len2 or 0
  t = math.max(0, math.min(1, t))
  return math.sqrt((p[1] - a[1] - t * dx) ^ 2 + (p[2] - a[2] - t * dy) ^ 2)
end

-- Index of each kept point in pts (they are the same tables).
local function indices(pts, kept)
  local at, out = {}, {}
  for i, p in ipairs(pts) do at[p] = i end
  for k, p in ipairs(kept) do out[k] = assert(at[p], "a kept point is one of the input's") end
  return out
end

describe("layout.simplify", function()
  it("keeps every dropped point within the tolerance of its kept segment", function()
    local pts = {}
    for i = 0, 400 do pts[#pts + 1] = { 100 + 60 * math.exp(-((i - 200) / 60) ^ 2) + math.sin(i / 7), i * 1.5 } end
    for _, tol in ipairs({ 0.05, 0.2, 1 }) do
      local kept = simplify.points(pts, tol)
      local idx = indices(pts, kept)
      assert.equal(1, idx[1])
      assert.equal(#pts, idx[#idx])
      for k = 2, #idx do
        assert.is_true(idx[k] > idx[k - 1], "in order")
        for j = idx[k - 1] + 1, idx[k] - 1 do
          assert.is_true(dist(pts[j], pts[idx[k - 1]], pts[idx[k]]) <= tol + 1e-9)
        end
      end
      assert.is_true(#kept < #pts)
    end
  end)

  it("collapses a straight line and keeps bends larger than the tolerance", function()
    local line = {}
    for i = 1, 50 do line[i] = { i, 2 * i } end
    assert.equal(2, #simplify.points(line))
    local zigzag = {}
    for i = 1, 20 do zigzag[i] = { i, (i % 2) * 3 } end
    assert.equal(20, #simplify.points(zigzag))
    assert.equal(1, #simplify.points({ { 1, 1 } }))
    assert.equal(0, #simplify.points({}))
  end)
end)
