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
  local msg = type(err) == "table" and (err.detail or err.message or tostring(err)) or tostring(err)
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
  M.dynamic = {}
  for _, rel in ipairs(files) do
    local f = io.open(root .. "/" .. rel, "rb")
    if f then
      local text = f:read("a")
      f:close()
      local chunk, err = load(text, "@" .. rel, "t", {})
      if not chunk then fail(err) end
      -- require(<expression>) picks its module at run time: the graph cannot see it
      for rest in text:gmatch("require%s*(%(.-%))") do
        if not rest:match("^%(%s*[\"'][%w_.]*[\"']%s*%)$") then M.dynamic[rel] = true end
      end
    end
  end
  return #files
end

-- Each chart type's sample, small and as SVG (cheap to encode: the self-test is on the
-- save-to-active path), through the real pipeline. `only` (a set of names) limits the
-- renders; every module still loads.
function M.render_samples(only)
  local charts = require "charts"
  local pipeline = require "pipeline"
  local names = charts.names()
  local rendered = 0
  for _, name in ipairs(names) do
    M.loading = "charts." .. name
    local ok, mod, gerr = pcall(charts.get, name)
    M.loading = nil
    if not ok then fail(mod) end
    if not mod then fail(gerr) end
    if type(mod) ~= "table" or type(mod.sample) ~= "table" then
      fail(("lua/charts/%s.lua: the module must return a table with a sample spec"):format(name))
    end
    if only == nil or only[name] then
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
      rendered = rendered + 1
    end
  end
  return #names, rendered
end

-- ---- incremental self-tests ----
-- A save of one chart script should not re-render all 34 samples (that is most of the
-- save-to-active time). While the self-test loads modules, `require` records who requires
-- whom; a chart type whose modules (transitively) include a changed file renders its sample
-- again, the others passed with the same code in the last good generation. Anything the
-- graph cannot vouch for — a changed module no chart uses, a theme, a prompt — renders all.

M.dynamic = {}       -- files that call require with a computed name (set by compile_all)
local edges = {}     -- module name → set of module names it required
local requiring = {} -- stack of modules being loaded

local function track_requires()
  local real = require
  edges, requiring = {}, {}
  -- luacheck: push ignore 121
  require = function(name)
    local from = requiring[#requiring] or M.loading
    if from then
      edges[from] = edges[from] or {}
      edges[from][name] = true
    end
    requiring[#requiring + 1] = name
    local ok, mod = pcall(real, name)
    requiring[#requiring] = nil
    if not ok then error(mod, 0) end
    return mod
  end
  -- luacheck: pop
  return function() require = real end -- luacheck: ignore 121
end

-- Module names a chart type loads, directly or through others. The registry (`charts`) and
-- a module that requires by computed name (facet draws other types) may reach any chart
-- module at run time, so needing them means needing them all.
local function closure(name, all_charts)
  local seen, todo = {}, { "charts." .. name }
  while #todo > 0 do
    local m = table.remove(todo)
    if not seen[m] then
      seen[m] = true
      local file = "lua/" .. m:gsub("%.", "/") .. ".lua"
      if m == "charts" or M.dynamic[file] then
        for _, other in ipairs(all_charts) do todo[#todo + 1] = "charts." .. other end
      end
      for dep in pairs(edges[m] or {}) do todo[#todo + 1] = dep end
    end
  end
  return seen
end

-- "lua/charts/bar.lua" → "charts.bar"; "lua/x/init.lua" → "x"; nil for files that are not modules.
local function module_of(path)
  local rel = path:match("^lua/(.+)%.lua$")
  if not rel then return nil end
  return (rel:gsub("/init$", ""):gsub("/", "."))
end

-- The chart types to render for these changed files, or nil for all of them.
function M.affected(changed, chart_names)
  local modules = {}
  for _, path in ipairs(changed) do
    local m = module_of(path)
    if not m then return nil end
    modules[#modules + 1] = m
  end
  local only, used = {}, {}
  for _, name in ipairs(chart_names) do
    local deps = closure(name, chart_names)
    for _, m in ipairs(modules) do
      if deps[m] then only[name], used[m] = true, true end
    end
  end
  for _, m in ipairs(modules) do
    if not used[m] then return nil end
  end
  return only
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

-- The synthesis vocabulary (lua/synth/measures.lua, kinds.lua): data files a save can break.
function M.load_vocab(root)
  root = root or home()
  local ok, data = pcall(require("synth.vocab").load, root)
  if not ok then error(M.clean_error(data, root), 0) end
  return #data.kinds
end

-- Runs everything; → { files =, charts =, rendered =, themes =, prompts =, kinds = } or raises the
-- first failure. `changed` (paths relative to CHARTD_HOME, from the last good generation)
-- limits which samples render again; nil renders all.
function M.run(changed)
  local root = home()
  local untrack = track_requires()
  local ok, report = pcall(function()
    local r = { files = M.compile_all(root), themes = M.load_themes(), prompts = M.load_prompts(),
      kinds = M.load_vocab(root) }
    local only
    if changed then
      -- load every chart module first (recording the graph), then decide
      M.render_samples({})
      only = M.affected(changed, require("charts").names())
    end
    r.charts, r.rendered = M.render_samples(only)
    return r
  end)
  untrack()
  if not ok then error(report, 0) end
  return report
end

return M
