-- Crossing reduction for a graph drawn in columns (the sankey): the nodes of
-- each column are reordered by the value-weighted mean position of their
-- neighbours (barycentre sweeps, left to right then back, as in Sugiyama's
-- layered drawing), keeping the order with the fewest crossing flows.
-- Nodes: { column = 0-based, ins = {links}, outs = {links} };
-- links: { source = node, target = node, value = number }.
local M = {}

M.SWEEPS = 8
-- Counting crossings compares every pair of links; past this many links the
-- sweeps still run, but their last order is kept uncounted.
M.MAX_COUNTED = 400

-- Value-weighted crossings of links between the same two columns; pos[node] is
-- the node's place in its column.
function M.crossings(links, pos)
  local total = 0
  for i = 1, #links do
    local a = links[i]
    for j = i + 1, #links do
      local b = links[j]
      if a.source.column == b.source.column and a.target.column == b.target.column
        and (pos[a.source] - pos[b.source]) * (pos[a.target] - pos[b.target]) < 0 then
        total = total + a.value * b.value
      end
    end
  end
  return total
end

-- Places as fractions of the column (0..1), so columns of any length compare.
local function place(cols, pos)
  for _, col in ipairs(cols) do
    for i, n in ipairs(col) do pos[n] = (i - 0.5) / #col end
  end
end

-- One sweep: each column sorted by its neighbours' mean place on the side it
-- comes from; a node without neighbours there keeps its own place.
local function sweep(cols, pos, forward)
  local first, last, step = 2, #cols, 1
  if not forward then first, last, step = #cols - 1, 1, -1 end
  for c = first, last, step do
    local col, key = cols[c], {}
    for _, n in ipairs(col) do
      local sum, weight = 0, 0
      for _, l in ipairs(forward and n.ins or n.outs) do
        sum, weight = sum + pos[forward and l.source or l.target] * l.value, weight + l.value
      end
      key[n] = weight > 0 and sum / weight or pos[n]
    end
    table.sort(col, function(a, b)
      if key[a] ~= key[b] then return key[a] < key[b] end
      return pos[a] < pos[b]
    end)
    for i, n in ipairs(col) do pos[n] = (i - 0.5) / #col end
  end
end

local function copy(cols)
  local out = {}
  for c, col in ipairs(cols) do
    out[c] = {}
    for i, n in ipairs(col) do out[c][i] = n end
  end
  return out
end

-- Reorders cols (a list of node lists) in place → the weighted crossings left
-- (nil when there were too many links to count). An order without crossings
-- is left as it is.
function M.order(cols, links)
  local pos = {}
  place(cols, pos)
  local counted = #links <= M.MAX_COUNTED
  local best = counted and M.crossings(links, pos) or nil
  if best == 0 then return 0 end
  local best_cols = copy(cols)
  for s = 1, M.SWEEPS do
    sweep(cols, pos, s % 2 == 1)
    if counted then
      local x = M.crossings(links, pos)
      if x < best then best, best_cols = x, copy(cols) end
      if best == 0 then break end
    end
  end
  if counted then
    for c, col in ipairs(best_cols) do cols[c] = col end
  end
  return best
end

return M
