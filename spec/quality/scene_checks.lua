-- The quality bar every chart meets, checked on its scene (what the canvas recorded as it
-- drew, docs/protocol.md "Scene"): no two texts overlap, every text inside the canvas, no
-- text that is only an ellipsis, data labels that read back as their value (and distinct
-- values never share a text), a legend that covers no mark, and keys that leave the data
-- the larger part (legends together cover no more area than the plot). M.check(scene)
-- returns a list of problems, each a short sentence naming the items.
local M = {}

M.ROLES = { title = true, subtitle = true, ["axis-title"] = true, ["tick-label"] = true, ["legend-title"] = true,
  ["legend-label"] = true, ["data-label"] = true, annotation = true, note = true }

M.OVERLAP_TOL = 0.5 -- px two texts' boxes may share (antialiasing, rounding)
M.EDGE_TOL = 0.5    -- px a text may pass the canvas edge
M.KEY_SHARE = 1     -- the legends' boxes together may cover this much of the plot's area

local ELLIPSIS = "\u{2026}"

-- ------------------------------------------------------------------ geometry

-- The four corners of a text's own (rotated) box, or of its bounds.
local function corners(it)
  local b = it.box
  if not b then
    return { { it.x, it.y }, { it.x + it.w, it.y }, { it.x + it.w, it.y + it.h }, { it.x, it.y + it.h } }
  end
  local c, s = math.cos(b.angle), math.sin(b.angle)
  local out = {}
  for k, m in ipairs { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } } do
    local px, py = m[1] * b.w / 2, m[2] * b.h / 2
    out[k] = { b.cx + px * c - py * s, b.cy + px * s + py * c }
  end
  return out
end

-- Separating-axis test on two convex quads, shrunk by tol: true when they overlap by more.
local function quads_overlap(a, b, tol)
  for _, poly in ipairs { a, b } do
    for i = 1, 4 do
      local p, q = poly[i], poly[i % 4 + 1]
      local nx, ny = q[2] - p[2], p[1] - q[1]
      local len = math.sqrt(nx * nx + ny * ny)
      if len > 0 then
        nx, ny = nx / len, ny / len
        local amin, amax, bmin, bmax = math.huge, -math.huge, math.huge, -math.huge
        for _, v in ipairs(a) do
          local d = v[1] * nx + v[2] * ny
          amin, amax = math.min(amin, d), math.max(amax, d)
        end
        for _, v in ipairs(b) do
          local d = v[1] * nx + v[2] * ny
          bmin, bmax = math.min(bmin, d), math.max(bmax, d)
        end
        if amax - tol <= bmin or bmax - tol <= amin then return false end
      end
    end
  end
  return true
end

local function rects_overlap(a, b, tol)
  return a.x + a.w - tol > b.x and b.x + b.w - tol > a.x and a.y + a.h - tol > b.y and b.y + b.h - tol > a.y
end

local function segment_hits_rect(x1, y1, x2, y2, r)
  -- Liang–Barsky clipping of the segment against the rectangle.
  local t0, t1 = 0, 1
  local dx, dy = x2 - x1, y2 - y1
  local checks = { { -dx, x1 - r.x }, { dx, r.x + r.w - x1 }, { -dy, y1 - r.y }, { dy, r.y + r.h - y1 } }
  for _, pq in ipairs(checks) do
    local p, q = pq[1], pq[2]
    if p == 0 then
      if q < 0 then return false end
    else
      local t = q / p
      if p < 0 then
        if t > t1 then return false end
        if t > t0 then t0 = t end
      else
        if t < t0 then return false end
        if t < t1 then t1 = t end
      end
    end
  end
  return true
end

local function inside_polygon(px, py, pts)
  local inside, j = false, #pts
  for i = 1, #pts do
    local a, b = pts[i], pts[j]
    if (a[2] > py) ~= (b[2] > py) and px < (b[1] - a[1]) * (py - a[2]) / (b[2] - a[2]) + a[1] then
      inside = not inside
    end
    j = i
  end
  return inside
end

-- Whether a mark covers part of rectangle r (shrunk by 1 px): lines by their drawn
-- points, areas by their outline and inside, other marks by their bounds.
local function mark_hits(m, r)
  local s = { x = r.x + 1, y = r.y + 1, w = r.w - 2, h = r.h - 2 }
  if not rects_overlap(m, s, 0) then return false end
  local pts = m.points
  if not pts or #pts < 2 then return true end
  for i = 2, #pts do
    if segment_hits_rect(pts[i - 1][1], pts[i - 1][2], pts[i][1], pts[i][2], s) then return true end
  end
  return m.role == "area" and inside_polygon(s.x + s.w / 2, s.y + s.h / 2, pts)
end

-- ------------------------------------------------------------------ numbers

-- The number a label shows, as (value, unit of its last digit, is_percent): thousands
-- separators, a real or ASCII minus, k/M/B/T suffixes and % understood. The first number
-- when the text starts with one ("1,234 · 45%"), else the last ("Germany 13.9").
function M.read_number(text, number)
  number = number or { thousands = ",", decimal = "." }
  local t = text:gsub("\u{2212}", "-")
  local sep = number.thousands or ","
  local dec = number.decimal or "."
  local tokens = {}
  local i = 1
  while i <= #t do
    local s, e = t:find("%-?%d[%d" .. (sep ~= "" and sep:gsub("%p", "%%%0") or "") .. "]*", i)
    if not s then break end
    local tok = t:sub(s, e)
    -- a separator at the end belongs to the sentence ("3, 4")
    while tok:sub(-#sep) == sep and #sep > 0 do tok = tok:sub(1, -#sep - 1); e = e - #sep end
    local frac = ""
    if t:sub(e + 1, e + #dec) == dec and t:sub(e + #dec + 1):match("^%d") then
      frac = t:sub(e + #dec + 1):match("^%d+")
      e = e + #dec + #frac
    end
    local rest = t:sub(e + 1)
    local suffix = rest:match("^([kMBT])") or ""
    local pct = rest:sub(#suffix + 1):match("^%s?%%") ~= nil
    tokens[#tokens + 1] = { int = tok, frac = frac, suffix = suffix, pct = pct, start = s }
    i = e + 1
  end
  if #tokens == 0 then return nil end
  local tok = tokens[#tokens]
  if t:match("^%s*[%-%$€£]?%d") or t:match("^%s*%-?[%$€£]%d") then tok = tokens[1] end
  local int = tok.int
  if #sep > 0 then int = int:gsub(sep:gsub("%p", "%%%0"), "") end
  local v = tonumber(int .. (tok.frac ~= "" and ("." .. tok.frac) or ""))
  if not v then return nil end
  local mult = ({ k = 1e3, M = 1e6, B = 1e9, T = 1e12 })[tok.suffix] or 1
  return v * mult, 10 ^ -#tok.frac * mult, tok.pct
end

-- Whether a label's text stands for value: within half a unit of its last shown digit (a
-- percent may be of the fraction or of the percentage).
function M.reads_as(text, value, number)
  local v, unit, pct = M.read_number(text, number)
  if not v then return false end
  local function near(x, u)
    return math.abs(v - x) <= u / 2 * (1 + 1e-9) + 1e-12 * math.max(1, math.abs(x))
  end
  if pct then return near(value * 100, unit) or near(value, unit) end
  return near(value, unit)
end

-- ------------------------------------------------------------------ the checks

local function name(it)
  return ("%s %q at (%.0f, %.0f)"):format(it.role or it.kind, it.text or "", it.x, it.y)
end

-- opts.number: the theme's number settings (separators), for reading labels back.
function M.check(scene, opts)
  opts = opts or {}
  local problems = {}
  local function bad(fmt, ...) problems[#problems + 1] = fmt:format(...) end
  local texts, marks, legends = {}, {}, {}
  for _, it in ipairs(scene.items) do
    if it.kind == "text" then texts[#texts + 1] = it
    elseif it.kind == "mark" then marks[#marks + 1] = it
    elseif it.kind == "legend" then legends[#legends + 1] = it end
  end
  for _, t in ipairs(texts) do
    if not M.ROLES[t.role] then bad("%s: role is not one of the scene's roles", name(t)) end
    if t.x < -M.EDGE_TOL or t.y < -M.EDGE_TOL or t.x + t.w > scene.width + M.EDGE_TOL
      or t.y + t.h > scene.height + M.EDGE_TOL then
      bad("%s: outside the %dx%d canvas (%.1f..%.1f, %.1f..%.1f)", name(t), scene.width, scene.height, t.x,
        t.x + t.w, t.y, t.y + t.h)
    end
    local stripped = t.text:gsub("^%s+", ""):gsub("%s+$", "")
    if stripped:find(ELLIPSIS, 1, true) then
      local before = stripped:gsub(ELLIPSIS, "")
      if utf8.len(before) and utf8.len(before) <= 1 then bad("%s: only an ellipsis is left", name(t)) end
    end
  end
  local quads = {}
  for i, t in ipairs(texts) do quads[i] = corners(t) end
  for i = 1, #texts do
    for j = i + 1, #texts do
      local a, b = texts[i], texts[j]
      if rects_overlap(a, b, M.OVERLAP_TOL) and quads_overlap(quads[i], quads[j], M.OVERLAP_TOL) then
        bad("%s overlaps %s", name(a), name(b))
      end
    end
  end
  local shown = {}
  for _, t in ipairs(texts) do
    if t.role == "data-label" and type(t.value) == "number" then
      if not M.reads_as(t.text, t.value, opts.number) then
        bad("%s does not read as its value %.17g", name(t), t.value)
      end
      local prev = shown[t.text]
      if prev and math.abs(prev - t.value) > 1e-9 * math.max(1, math.abs(t.value)) then
        bad("%s shows the same text for %.17g and %.17g", name(t), prev, t.value)
      end
      shown[t.text] = t.value
    end
  end
  local key_area, p = 0, scene.plot
  for _, lg in ipairs(legends) do key_area = key_area + lg.w * lg.h end
  if p and key_area > M.KEY_SHARE * p.w * p.h then
    bad("the legends (%.0f px²) crowd the %.0fx%.0f plot (%.0f px²)", key_area, p.w, p.h, p.w * p.h)
  end
  for _, lg in ipairs(legends) do
    for _, m in ipairs(marks) do
      if mark_hits(m, lg) then
        bad("the legend at (%.0f, %.0f, %.0fx%.0f) covers a %s mark at (%.0f, %.0f, %.0fx%.0f)", lg.x, lg.y, lg.w,
          lg.h, m.role or "?", m.x, m.y, m.w, m.h)
        break
      end
    end
  end
  return problems
end

return M
