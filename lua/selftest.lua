-- The reload self-test: run in a fresh state before a new generation of scripts goes live
-- (src/reload.c). Every Lua file under lua/ compiles, every chart type renders its sample
-- spec, every theme loads, every prompt template loads (when lua/prompts.lua exists).
-- Raises one message naming the file and line ("lua/charts/bar.lua:42: ...") on the
-- first failure; returns a summary table when all is well.
local fs = require "chartd.fs"

local M = {}

local function home()
  local ok, host = pcall(require, "chartd.host")
  if ok and type(host) == "table" and host.home then return host.home end
  return "."
end

-- Plain-text replace (gsub would read the path as a pattern).
local function strip(msg, prefix)
  if prefix == "" then return msg end
  local out, i = {}, 1
  while true do
    local a, b = msg:find(prefix, i, true)
    if not a then break end
    out[#out + 1] = msg:sub(i, a - 1)
    i = b + 1
  end
  out[#out + 1] = msg:sub(i)
  return table.concat(out)
end

-- A raised value as one line a person can act on: paths relative to CHARTD_HOME, and a
-- require failure reduced to the loader's own "file:line: message".
function M.clean_error(err, root)
  local msg = type(err) == "table" and (err.message or tostring(err)) or tostring(err)
  msg = strip(msg, (root or home()) .. "/")
  local inner = msg:match("^error loading module '[^']*' from file '[^']*':%s*(.-)%s*$")
  if inner and inner ~= "" then msg = inner end
  -- wrapped errors ("draw failed: lua/charts/bar.lua:42: ...", "theme: theme \"x\" cannot
  -- be loaded: themes/x.lua:3: ...") start at the location
  local at = msg:find("[%w_%-%./]+%.lua:%d+:")
  if at and at > 1 then msg = msg:sub(at) end
  msg = msg:gsub("^prompt template ([%w_]+): ", "prompts/%1.txt: ")
  return msg
end

local function fail(err)
  error(M.clean_error(err), 0)
end

-- Every .lua file below dir, relative to root, sorted (folders recursed).
local function lua_files(root, rel, out)
  local names = fs.list(root .. "/" .. rel)
  if not names then return out end
  for _, name in ipairs(names) do
    local child = rel .. "/" .. name
    if name:match("%.lua$") then
      out[#out + 1] = child
    elseif not name:find("%.") and fs.list(root .. "/" .. child) then
      lua_files(root, child, out)
    end
  end
  return out
end

-- Syntax only: a file that does not compile names its line; nothing runs here.
function M.compile_all(root)
  local files = lua_files(root, "lua", {})
  for _, rel in ipairs(files) do
    local f = io.open(root .. "/" .. rel, "rb")
    if f then
      local text = f:read("a")
      f:close()
      local chunk, err = load(text, "@" .. rel, "t", {})
      if not chunk then fail(err) end
    end
  end
  return #files
end

-- Each chart type's sample, small and as SVG (cheap to encode: the self-test is on the
-- save-to-active path), through the real pipeline.
function M.render_samples()
  local charts = require "charts"
  local pipeline = require "pipeline"
  local names = charts.names()
  for _, name in ipairs(names) do
    local ok, mod, gerr = pcall(charts.get, name)
    if not ok then fail(mod) end
    if not mod then fail(gerr) end
    if type(mod) ~= "table" or type(mod.sample) ~= "table" then
      fail(("lua/charts/%s.lua: the module must return a table with a sample spec"):format(name))
    end
    local spec = {}
    for k, v in pairs(mod.sample) do spec[k] = v end
    spec.width, spec.height, spec.format, spec.scale = 320, 240, "svg", 1
    local rok, result, err = pcall(pipeline.render, spec, {})
    if not rok then fail(result) end
    if not result then
      fail(("%s (rendering the sample of lua/charts/%s.lua)"):format(M.clean_error(err), name))
    end
    if type(result.bytes) ~= "string" or #result.bytes == 0 then
      fail(("lua/charts/%s.lua: the sample rendered no bytes"):format(name))
    end
  end
  return #names
end

function M.load_themes()
  local themes = require "themes"
  local names = themes.names()
  for _, name in ipairs(names) do
    local t, err = themes.get(name)
    if not t then fail(err) end
  end
  return #names
end

function M.load_prompts()
  if not package.searchpath("prompts", package.path) then return 0 end
  local ok, prompts = pcall(require, "prompts")
  if not ok then fail(prompts) end
  local n = 0
  for _ in pairs(prompts.TEMPLATES or {}) do n = n + 1 end
  return n
end

-- Runs everything; → { files =, charts =, themes =, prompts = } or raises the first failure.
function M.run()
  local root = home()
  return {
    files = M.compile_all(root),
    themes = M.load_themes(),
    prompts = M.load_prompts(),
    charts = M.render_samples(),
  }
end

return M
