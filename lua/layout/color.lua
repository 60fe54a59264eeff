-- Colours as data: hex parsing and printing, mixing, categorical palettes
-- that extend without repeating, sequential ramps interpolated in CIE Lab
-- (even perceived steps for heatmaps), and text colour for filled shapes.
local M = {}

-- "steelblue", "Dark Green" → "#4682b4", "#006400" (CSS colour names, spaces and case ignored), or nil.
function M.named(name)
  if type(name) ~= "string" then return nil end
  return require("layout.css_colors")[name:lower():gsub("[%s_-]", "")]
end

-- "#rgb" | "#rgba" | "#rrggbb" | "#rrggbbaa" | a CSS colour name → r, g, b, a in 0..1, or
-- nil, message for anything else.
function M.parse(hex)
  if type(hex) ~= "string" then return nil, "colour must be a string, got " .. type(hex) end
  local h = hex:match("^#(%x+)$")
  if not h then
    local named = M.named(hex)
    if named then h = named:sub(2) end
  end
  if not h or not (#h == 3 or #h == 4 or #h == 6 or #h == 8) then
    return nil, ('invalid colour "%s": expected #rgb, #rrggbb, #rrggbbaa or a CSS colour name'):format(hex)
  end
  if #h <= 4 then h = h:gsub("(%x)", "%1%1") end
  local r, g, b = tonumber(h:sub(1, 2), 16), tonumber(h:sub(3, 4), 16), tonumber(h:sub(5, 6), 16)
  local a = #h == 8 and tonumber(h:sub(7, 8), 16) or 255
  return r / 255, g / 255, b / 255, a / 255
end

local function byte(x)
  x = math.floor(x * 255 + 0.5)
  if x < 0 then return 0 elseif x > 255 then return 255 end
  return x
end

-- r, g, b [, a] in 0..1 → "#rrggbb", or "#rrggbbaa" when a < 1.
function M.to_hex(r, g, b, a)
  if a ~= nil and byte(a) < 255 then return ("#%02x%02x%02x%02x"):format(byte(r), byte(g), byte(b), byte(a)) end
  return ("#%02x%02x%02x"):format(byte(r), byte(g), byte(b))
end

local function must(hex)
  local r, g, b, a = M.parse(hex)
  if not r then error(g, 3) end
  return r, g, b, a
end

-- a + (b - a) × t in sRGB (t in 0..1), alpha included.
function M.mix(a, b, t)
  local r1, g1, b1, a1 = must(a)
  local r2, g2, b2, a2 = must(b)
  return M.to_hex(r1 + (r2 - r1) * t, g1 + (g2 - g1) * t, b1 + (b2 - b1) * t, a1 + (a2 - a1) * t)
end

-- The colour with alpha a (0..1).
function M.alpha(hex, a)
  local r, g, b = must(hex)
  return M.to_hex(r, g, b, a)
end

-- sRGB ↔ linear ↔ CIE XYZ (D65) ↔ Lab.
local function lin(c) return c <= 0.04045 and c / 12.92 or ((c + 0.055) / 1.055) ^ 2.4 end
local function gam(c) return c <= 0.0031308 and 12.92 * c or 1.055 * c ^ (1 / 2.4) - 0.055 end
local XN, YN, ZN = 0.95047, 1.0, 1.08883
local function f(t) return t > 216 / 24389 and t ^ (1 / 3) or (24389 / 27 * t + 16) / 116 end
local function finv(t)
  local t3 = t ^ 3
  if t3 > 216 / 24389 then return t3 end
  return (116 * t - 16) / (24389 / 27)
end
-- a linear channel clamped to 0..1, back in sRGB
local function channel(v) return gam(math.max(0, math.min(1, v))) end

function M.to_lab(hex)
  local r, g, b = must(hex)
  r, g, b = lin(r), lin(g), lin(b)
  local x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b
  local y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
  local z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b
  local fx, fy, fz = f(x / XN), f(y / YN), f(z / ZN)
  return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)
end

-- Lab → "#rrggbb". from_lab_lua is the rule; chartd.color.from_lab, when the bindings are
-- there, is the same arithmetic in C (a heatmap's ramp asks for ~900 colours a render).
function M.from_lab_lua(l, a, b)
  local fy = (l + 16) / 116
  local fx, fz = fy + a / 500, fy - b / 200
  local x, y, z = XN * finv(fx), YN * finv(fy), ZN * finv(fz)
  local r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
  local g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z
  local bl = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
  return M.to_hex(channel(r), channel(g), channel(bl))
end
local has_native, native = pcall(require, "chartd.color")
M.from_lab = has_native and native.from_lab or M.from_lab_lua

-- WCAG relative luminance (0 black .. 1 white).
function M.luminance(hex)
  local r, g, b = must(hex)
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
end

-- WCAG contrast ratio between two colours (1..21).
function M.contrast(a, b)
  local la, lb = M.luminance(a), M.luminance(b)
  if la < lb then la, lb = lb, la end
  return (la + 0.05) / (lb + 0.05)
end

-- Marks as small as a point must stand out from the background (WCAG 1.4.11 asks 3:1 of
-- graphical objects): the part of a sequential ramp that does, resampled into as many stops
-- (the end that already contrasts is kept; a ramp with no such part is returned as it is).
M.MARK_CONTRAST = 3
function M.visible_on(stops, bg)
  local function ok(t) return M.contrast(M.ramp(stops, t), bg) >= M.MARK_CONTRAST end
  local t0, t1 = 0, 1
  while t0 < 1 and not ok(t0) do t0 = t0 + 0.01 end
  while t1 > t0 and not ok(t1) do t1 = t1 - 0.01 end
  if t0 >= t1 or t0 == 0 and t1 == 1 then return stops end
  local out = {}
  for i = 1, #stops do out[i] = M.ramp(stops, t0 + (t1 - t0) * (i - 1) / (#stops - 1)) end
  return out
end

-- "#000000" or "#ffffff", whichever contrasts more with bg (labels on
-- bars, cells and slices). The theme argument is accepted for callers
-- that pass it; the choice is the same in every theme.
function M.contrast_text(bg, _)
  return M.contrast(bg, "#000000") >= M.contrast(bg, "#ffffff") and "#000000" or "#ffffff"
end

-- Lightness changes for the rounds beyond the palette's length: lighter,
-- darker, then further out. Lab L shifts keep the hue recognisable.
M.EXTEND_SHIFTS = { 18, -18, 32, -32, 9, -9, 25, -25, 40, -40 }

-- n colours for categories: theme.palette in order, then the palette again
-- with lightness shifted each round; no colour repeats exactly.
function M.palette(theme, n)
  local base = theme.palette
  assert(type(base) == "table" and #base > 0, "color.palette: theme.palette is empty")
  local out, seen = {}, {}
  local i, k = 0, #base
  while #out < n do
    i = i + 1
    local round = (i - 1) // k
    local c = base[(i - 1) % k + 1]:lower()
    if round > 0 then
      local shift = M.EXTEND_SHIFTS[(round - 1) % #M.EXTEND_SHIFTS + 1] + 2 * ((round - 1) // #M.EXTEND_SHIFTS)
      local l, a, b = M.to_lab(c)
      c = M.from_lab(math.max(5, math.min(95, l + shift)), a, b)
    end
    -- Clamping at black or white can collide with an earlier colour: nudge.
    local tries = 0
    while seen[c] and tries < 50 do
      local l, a, b = M.to_lab(c)
      tries = tries + 1
      c = M.from_lab(l, a + tries, b - tries)
    end
    seen[c] = true
    out[#out + 1] = c
  end
  return out
end

-- ------------------------------------------------------------ colour scales

local schemes = require "layout.schemes"

-- The scheme names, sorted (for error messages and validation).
function M.scheme_names()
  local out = {}
  for k in pairs(schemes) do out[#out + 1] = k end
  table.sort(out)
  return out
end

function M.scheme(name) return schemes[name] end

local function hex_list(t)
  if type(t) ~= "table" or #t < 2 then return nil end
  for _, c in ipairs(t) do if not M.parse(c) then return nil end end
  return t
end

local function reversed(t)
  local out = {}
  for i = #t, 1, -1 do out[#out + 1] = t[i] end
  return out
end

-- The colour scale of a quantitative colour channel (enc = encoding.color) over the data's
-- [lo, hi]: scale.range (a list of colours) or a named scale.scheme when given, else the
-- theme's ramp. It diverges around scale.domainMid, or around 0 when the domain crosses
-- it, symmetrically (equal distances from the middle get equally strong colours) — with
-- the theme's diverging colours unless a scheme or range says otherwise.
-- → { stops =, min =, max =, diverging = bool, at = function(v) → hex }
function M.scale(enc, theme, lo, hi)
  local sc = type(enc) == "table" and type(enc.scale) == "table" and enc.scale or {}
  local named = type(sc.scheme) == "string" and schemes[sc.scheme] or nil
  local stops = hex_list(sc.range) or named
  local mid = type(sc.domainMid) == "number" and sc.domainMid or nil
  if mid == nil and lo < 0 and hi > 0 and (stops == nil or (named and named.kind == "diverging")) then mid = 0 end
  local diverging = mid ~= nil
  if not stops then stops = diverging and theme.diverging or theme.sequential end
  local plain = {}
  for i, c in ipairs(stops) do plain[i] = c end
  if sc.reverse == true then plain = reversed(plain) end
  local out = { stops = plain, min = lo, max = hi, diverging = diverging }
  if diverging then
    local m = math.max(math.abs(lo - mid), math.abs(hi - mid))
    if m == 0 then m = 1 end
    out.min, out.max = mid - m, mid + m
  end
  local a, b = out.min, out.max
  function out.at(v)
    if b == a then return M.ramp(plain, diverging and 0.5 or 1) end
    return M.ramp(plain, (v - a) / (b - a))
  end
  return out
end

-- n colours for the categories of a colour channel: scale.range's colours, a categorical
-- scheme's, n samples along a sequential/diverging scheme, else the theme's palette.
function M.categorical(enc, theme, n)
  local sc = type(enc) == "table" and type(enc.scale) == "table" and enc.scale or {}
  local named = type(sc.scheme) == "string" and schemes[sc.scheme] or nil
  local list = hex_list(sc.range) or (named and named.kind == "categorical" and named) or nil
  if named and not list then
    local out = {}
    for i = 1, n do out[i] = M.ramp(named, n > 1 and (i - 1) / (n - 1) or 0.5) end
    return out
  end
  if not list then return M.palette(theme, n) end
  local base = {}
  for i, c in ipairs(list) do base[i] = c end
  return M.palette({ palette = base }, n)
end

-- Colour at t (0..1) along evenly spaced stops, interpolated in Lab.
-- The stops in Lab, per stops table (a theme's ramp is converted once, not per cell).
local lab_stops = setmetatable({}, { __mode = "k" })

local function stops_in_lab(stops)
  local labs = lab_stops[stops]
  if not labs then
    labs = {}
    for i, s in ipairs(stops) do labs[i] = { M.to_lab(s) } end
    lab_stops[stops] = labs
  end
  return labs
end

function M.ramp(stops, t)
  assert(type(stops) == "table" and #stops > 0, "color.ramp: no stops")
  if t ~= t then t = 0 end
  t = math.max(0, math.min(1, t))
  if #stops == 1 then return stops[1] end
  local pos = t * (#stops - 1)
  local i = math.min(#stops - 1, math.floor(pos))
  local u = pos - i
  if u == 0 then return M.to_hex(must(stops[i + 1])) end
  local labs = stops_in_lab(stops)
  local l1, a1, b1 = labs[i + 1][1], labs[i + 1][2], labs[i + 1][3]
  local l2, a2, b2 = labs[i + 2][1], labs[i + 2][2], labs[i + 2][3]
  return M.from_lab(l1 + (l2 - l1) * u, a1 + (a2 - a1) * u, b1 + (b2 - b1) * u)
end

return M
