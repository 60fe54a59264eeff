-- A chart URL's query (GET /v1/charts?spec=…&format=svg) as the chart.request it stands for.
-- The host decoded the parameters (src/chart_url.c, the same rule the signature check used)
-- and checked the key or signature; this reads what they mean. `spec` is the chart spec as
-- JSON (URL-encoded) or as base64url of the JSON; format, theme, width, height and scale
-- override the spec's as in a chart.request. docs/protocol.md, "Chart URLs".
local base64 = require "chartd.base64"
local json = require "util.json"

local M = {}

-- What a chart URL may carry; exp, sig and token are the host's (a signature and a key).
M.PARAMS = { "spec", "format", "theme", "width", "height", "scale", "exp", "sig", "token" }
local NUMBERS = { width = true, height = true, scale = true }

local function fail(message, path, code)
  return nil, { code = code or "invalid_request", message = message, path = path }
end

-- The spec's JSON text: as it came, or decoded from base64url (base64 with + and / works
-- too; a space is a + that a query decoder turned into one).
local function spec_text(value)
  local trimmed = value:match("^%s*(.-)%s*$")
  if trimmed:sub(1, 1) == "{" then return trimmed end
  local b64 = trimmed:gsub(" ", "+"):gsub("-", "+"):gsub("_", "/")
  if b64 == "" or b64:find("[^%w+/=]") then
    return nil, "spec: neither JSON (it starts with {) nor base64url of JSON"
  end
  b64 = b64 .. ("="):rep((4 - #b64 % 4) % 4)
  local text, err = base64.decode(b64)
  if not text then return nil, "spec: not valid base64url: " .. tostring(err) end
  if not text:match("^%s*{") then return nil, "spec: the base64url text is not a JSON object" end
  return text
end

-- pairs: ctx.query, the {name, value} pairs in order. Returns a chart.request table, or nil
-- and an error {code, message, path} naming the parameter.
function M.request(pairs_)
  local allowed = {}
  for _, name in ipairs(M.PARAMS) do allowed[name] = true end
  local params = {}
  for _, pair in ipairs(pairs_ or {}) do
    local name, value = pair[1], pair[2]
    if not allowed[name] then
      return fail(("%s: unknown parameter; allowed %s"):format(name, table.concat(M.PARAMS, ", ")), name)
    end
    if params[name] then return fail(("%s: given more than once"):format(name), name) end
    params[name] = value
  end
  if not params.spec or params.spec == "" then
    return fail("spec: missing; a chart URL carries the chart spec as JSON or base64url JSON: /v1/charts?spec=…",
      "spec")
  end
  local text, terr = spec_text(params.spec)
  if not text then return fail(terr, "spec") end
  local spec, jerr = json.decode(text)
  if spec == nil then return fail("spec: " .. jerr, "spec", "invalid_json") end
  if type(spec) ~= "table" or json.is_array(spec) then return fail("spec: must be a JSON object", "spec") end

  local request = { type = "chart.request", spec = spec }
  for _, name in ipairs { "format", "theme", "width", "height", "scale" } do
    local v = params[name]
    if v ~= nil then
      if NUMBERS[name] then
        local n = tonumber(v)
        if not n or n ~= n or n == math.huge or n == -math.huge then
          return fail(("%s: %q is not a number"):format(name, v), name)
        end
        v = math.type(n) == "float" and n == math.floor(n) and math.tointeger(n) or n
      end
      request[name] = v
    end
  end
  return request
end

return M
