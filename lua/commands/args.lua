-- A small option parser shared by the commands: `--name value`, `-o value`, `--flag`, positionals.
local M = {}

-- spec: { o = "output", output = "output", format = "format", ... } maps each accepted
-- option (without dashes) to the key it fills; flags = { help = true } take no value.
-- Returns opts, positionals — or nil and a message naming the bad option.
function M.parse(argv, spec, flags)
  flags = flags or {}
  local opts, positional = {}, {}
  local i = 1
  while i <= #argv do
    local a = argv[i]
    local name = a:match("^%-%-?([%w-]+)$")
    if a == "-" or not name then
      positional[#positional + 1] = a
    elseif flags[name] then
      opts[name] = true
    elseif spec[name] then
      if argv[i + 1] == nil then return nil, ("option %s needs a value"):format(a) end
      opts[spec[name]] = argv[i + 1]
      i = i + 1
    else
      return nil, ("unknown option %s"):format(a)
    end
    i = i + 1
  end
  return opts, positional
end

-- Converts a numeric option, or returns nil and a message naming it.
function M.number(opts, key)
  if opts[key] == nil then return true end
  local n = tonumber(opts[key])
  if not n then return nil, ("--%s: %q is not a number"):format(key, opts[key]) end
  opts[key] = math.type(n) == "float" and n == math.floor(n) and math.tointeger(n) or n
  return true
end

return M
