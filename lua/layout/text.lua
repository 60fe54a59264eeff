-- Text measuring for layout (through chartd.canvas.measure_text, i.e. pango
-- with the fonts the image is drawn with), word wrapping and UTF-8-safe
-- truncation with an ellipsis. Measurements are cached per Lua state.
local M = {}

local ok, canvas = pcall(require, "chartd.canvas")
local measurer = ok and canvas.measure_text or nil

M.ELLIPSIS = "\u{2026}"

-- The cache is bounded: a worker renders many charts, and labels rarely
-- repeat across them; dropping everything at the cap is cheap and simple.
M.CACHE_MAX = 4096
local cache, cache_n = {}, 0

-- Replaces the measurer (fn(str, {font=}) → w, h, baseline). Meant for
-- environments without the C binding; the real one is used when present.
function M.set_measurer(fn)
  measurer = fn
  cache, cache_n = {}, 0
end

function M.has_measurer() return measurer ~= nil end

-- A font table for a theme role ("title", "tick", "legend", ...).
function M.font(theme, role, weight)
  local sizes = theme.font_sizes or {}
  return { family = theme.font or "DejaVu Sans", size = sizes[role] or 11, weight = weight or "normal" }
end

local function key(str, font)
  return (font.family or "") .. "\0" .. (font.size or 0) .. "\0" .. tostring(font.weight or "normal") .. "\0" .. str
end

-- Width, height and baseline of one line of str in font (user units).
function M.measure(str, font)
  str = tostring(str)
  local k = key(str, font)
  local hit = cache[k]
  if hit then return hit[1], hit[2], hit[3] end
  if not measurer then error("layout.text: no text measurer (chartd.canvas is not loaded)", 2) end
  local w, h, b = measurer(str, { font = font })
  if cache_n >= M.CACHE_MAX then cache, cache_n = {}, 0 end
  cache[k] = { w, h, b }
  cache_n = cache_n + 1
  return w, h, b
end

function M.width(str, font) return (M.measure(str, font)) end

-- Height of one line in font (the measured height of a capital and a descender).
function M.line_height(font)
  local _, h = M.measure("Hg", font)
  return h
end

-- Longest prefix of str (whole UTF-8 characters) whose width with `tail`
-- appended is at most max_width; binary search on the character count.
local function fit_prefix(str, font, max_width, tail)
  local n = utf8.len(str)
  if not n then
    -- Invalid UTF-8: fall back to bytes; pango would show replacement marks anyway.
    n = #str
    local lo, hi = 0, n
    while lo < hi do
      local mid = (lo + hi + 1) // 2
      if M.width(str:sub(1, mid) .. tail, font) <= max_width then lo = mid else hi = mid - 1 end
    end
    return str:sub(1, lo), lo
  end
  local lo, hi = 0, n
  local function prefix(k)
    if k == 0 then return "" end
    if k >= n then return str end
    return str:sub(1, utf8.offset(str, k + 1) - 1)
  end
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if M.width(prefix(mid) .. tail, font) <= max_width then lo = mid else hi = mid - 1 end
  end
  return prefix(lo), lo
end

-- str cut to fit max_width with "…" appended when it had to be cut.
-- Returns the string and whether it was truncated. Never splits a UTF-8
-- character; trailing spaces before the ellipsis are dropped.
function M.truncate(str, font, max_width)
  str = tostring(str)
  if M.width(str, font) <= max_width then return str, false end
  local p = fit_prefix(str, font, max_width, M.ELLIPSIS)
  p = p:gsub("%s+$", "")
  if p == "" and M.width(M.ELLIPSIS, font) > max_width then return "", true end
  return p .. M.ELLIPSIS, true
end

-- Longest suffix of str (whole UTF-8 characters) no wider than max_width.
local function fit_suffix(str, font, max_width)
  local n = utf8.len(str)
  if not n then return "" end
  local lo, hi = 0, n
  local function suffix(k)
    if k == 0 then return "" end
    if k >= n then return str end
    return str:sub(utf8.offset(str, n - k + 1))
  end
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if M.width(suffix(mid), font) <= max_width then lo = mid else hi = mid - 1 end
  end
  return suffix(lo)
end

-- str shortened in the middle to fit max_width together with `tail` (kept whole):
-- "Department of Re…Planning 12" keeps the start and the end, where names that share
-- a prefix differ. Returns the text (tail appended) and whether it was shortened.
function M.shorten(str, font, max_width, tail)
  str, tail = tostring(str), tail or ""
  if M.width(str .. tail, font) <= max_width then return str .. tail, false end
  local room = max_width - M.width(tail, font) - M.width(M.ELLIPSIS, font)
  if room <= 0 then return M.truncate(str .. tail, font, max_width), true end
  -- The end gets up to half the room (it tells names apart), the start the rest.
  local tail_part = fit_suffix(str, font, room / 2):gsub("^%s+", "")
  local head = fit_prefix(str, font, room - M.width(tail_part, font), ""):gsub("%s+$", "")
  if head == "" and tail_part == "" then return M.truncate(str .. tail, font, max_width), true end
  return head .. M.ELLIPSIS .. tail_part .. tail, true
end

-- Greedy word wrap: lines no wider than max_width. Explicit newlines are
-- kept; a single word wider than the line is broken between characters.
function M.wrap(str, font, max_width)
  local lines = {}
  for para in (tostring(str) .. "\n"):gmatch("(.-)\r?\n") do
    local line = nil
    for word in para:gmatch("%S+") do
      local candidate = line and (line .. " " .. word) or word
      if M.width(candidate, font) <= max_width then
        line = candidate
      else
        if line then lines[#lines + 1] = line end
        line = word
        while M.width(line, font) > max_width do
          local head, k = fit_prefix(line, font, max_width, "")
          if k == 0 then head = line:sub(1, (utf8.offset(line, 2) or 2) - 1) end
          lines[#lines + 1] = head
          line = line:sub(#head + 1)
          if line == "" then break end
        end
        if line == "" then line = nil end
      end
    end
    lines[#lines + 1] = line or ""
  end
  -- Blank lines from trailing newlines carry nothing.
  while #lines > 1 and lines[#lines] == "" do lines[#lines] = nil end
  return lines
end

-- Size of a block of lines: widest line and total height.
function M.block(lines, font, leading)
  local w, lh = 0, M.line_height(font)
  for _, l in ipairs(lines) do w = math.max(w, M.width(l, font)) end
  return w, #lines * lh + math.max(0, #lines - 1) * (leading or 0), lh
end

return M
