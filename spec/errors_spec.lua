-- The error protocol has one table (src/errors.c, read by Lua through chartd.errors): every
-- code the sources can send must be in it, and the docs and the JSON Schema must list exactly
-- its codes with the same statuses. A code used anywhere and missing from the table fails here.
local errors = require "chartd.errors"
local fs = require "chartd.fs"
local json = require "cjson"

local CODES = errors.CODES

local function read(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  return text
end

-- Every file under dir whose name ends in one of the suffixes, recursively.
local function files(dir, suffixes, out)
  out = out or {}
  for _, name in ipairs(fs.list(dir) or {}) do
    local path = dir .. "/" .. name
    if fs.list(path) and not name:find("%.") then
      files(path, suffixes, out)
    else
      for _, suffix in ipairs(suffixes) do
        if name:sub(-#suffix) == suffix then out[#out + 1] = path end
      end
    end
  end
  return out
end

-- The text of a call starting at position i (just after its "("), up to the matching ")".
local function call_args(text, i)
  local depth, j = 1, i
  while depth > 0 and j <= #text do
    local c = text:sub(j, j)
    if c == "(" then depth = depth + 1 elseif c == ")" then depth = depth - 1 end
    j = j + 1
  end
  return text:sub(i, j - 2)
end

-- Codes a source passes to the functions that send or make errors: the first string literal
-- of lower_case_words in the call's arguments.
local function used_codes(path, callers)
  local text, out = read(path), {}
  for _, fn in ipairs(callers) do
    local from = 1
    while true do
      local _, e = text:find("%f[%w_.:]" .. fn .. "%(", from)
      if not e then break end
      local args = call_args(text, e + 1)
      local code = args:match('"([a-z][a-z_]*)"')
      if code and code:find("_") or CODES[code or ""] then out[#out + 1] = { code = code, where = path .. ": " .. fn } end
      from = e + 1
    end
  end
  for code in text:gmatch('code%s*=%s*"([a-z_]+)"') do out[#out + 1] = { code = code, where = path .. ": code =" } end
  return out
end

describe("the error table", function()
  it("has the codes every client may see, each with an HTTP status and a text", function()
    local n = 0
    for code, e in pairs(CODES) do
      n = n + 1
      assert.truthy(code:match("^[a-z][a-z_]*$"), code)
      assert.is_true(math.type(e.status) == "integer" and e.status >= 400 and e.status <= 599, code)
      assert.is_boolean(e.retryable)
      assert.is_string(e.text)
    end
    assert.is_true(n >= 20)
    assert.equal(500, CODES.internal.status)
    assert.truthy(CODES.internal.text:find("%s", 1, true), "the internal text quotes its reference")
  end)

  it("holds every code the Lua sources send", function()
    local seen = 0
    for _, path in ipairs(files("lua", { ".lua" })) do
      for _, u in ipairs(used_codes(path, { "errors.new", "stop", "fail", "failure", "send_error" })) do
        seen = seen + 1
        assert.is_table(CODES[u.code], ("%s uses the code %q, which is not in src/errors.c"):format(u.where, u.code))
      end
    end
    assert.is_true(seen > 50, "codes found in lua/: " .. seen)
  end)

  it("holds every code the C host sends", function()
    local seen = 0
    for _, path in ipairs(files("src", { ".c" })) do
      if path ~= "src/errors.c" then
        for _, u in ipairs(used_codes(path, { "error_json", "send_error", "ws_send_error", "http_error" })) do
          seen = seen + 1
          assert.is_table(CODES[u.code], ("%s uses the code %q, which is not in src/errors.c"):format(u.where, u.code))
        end
      end
    end
    assert.is_true(seen > 10, "codes found in src/: " .. seen)
  end)

  it("is the list docs/protocol.md gives, with the same statuses and retry flags", function()
    local doc, listed = read("docs/protocol.md"), {}
    local section = doc:match("## Error codes.-\n(.-)\n## ")
    assert.is_string(section)
    for code, status, retry in section:gmatch("\n| `([a-z_]+)` | ([^|]-) | (%a+) |") do
      listed[code] = true
      assert.is_table(CODES[code], "docs/protocol.md lists " .. code)
      local first = tonumber(status:match("%d+"))
      if CODES[code].status == 499 then
        assert.is_nil(first, code .. " is never sent over HTTP")
      else
        assert.equal(CODES[code].status, first, code .. ": HTTP status in docs/protocol.md")
      end
      assert.equal(CODES[code].retryable, retry == "yes", code .. ": retryable in docs/protocol.md")
    end
    for code in pairs(CODES) do assert.is_true(listed[code], "docs/protocol.md lacks " .. code) end
  end)

  it("is the enum of schemas/error.schema.json", function()
    local path
    for _, name in ipairs(fs.list("schemas")) do
      if name:match("^error%.") then path = "schemas/" .. name end
    end
    local schema = json.decode(read(path))
    local enum = {}
    for _, code in ipairs(schema.properties.code.enum) do
      enum[code] = true
      assert.is_table(CODES[code], path .. " lists " .. code)
    end
    for code in pairs(CODES) do assert.is_true(enum[code], path .. " lacks " .. code) end
  end)

  it("gives each internal error its own reference", function()
    local a, b = errors.reference(), errors.reference()
    assert.truthy(a:match("^%x%x%x%x%x%x%x%x$"))
    assert.are_not.equal(a, b)
  end)
end)
