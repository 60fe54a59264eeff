-- Test-only entry points for the Lua libFuzzer harnesses (tests/fuzz/fuzz_lua.c): each takes
-- the fuzzer's bytes and may return anything, but must never raise — chartspec and the
-- pipeline report bad input as error tables, so a raised error is a bug.
local json = require "util.json"
local validate = require "chartspec.validate"
local pipeline = require "pipeline"

local M = {}

-- A request message (as a client sends it) → the validated spec, like lua/service.lua does.
function M.request(text)
  local msg = json.decode(text)
  if type(msg) ~= "table" then return end
  local spec = type(msg.spec) == "table" and msg.spec or msg
  local ok_spec, errs = validate.spec(spec)
  if not ok_spec then
    assert(type(errs) == "table" and #errs > 0, "validate.spec failed without errors")
    for _, e in ipairs(errs) do assert(type(e.code) == "string" and type(e.message) == "string") end
  end
end

-- A spec → layout → draw → encode on a small canvas (the fuzzer explores data and encodings,
-- not image sizes, which validation caps and which only cost time).
function M.render(text)
  local spec = json.decode(text)
  if type(spec) ~= "table" or json.is_array(spec) then return end
  spec.width, spec.height, spec.scale = 160, 120, 1
  if spec.format ~= "svg" then spec.format = "png" end
  local result, err = pipeline.render(spec, {})
  if result then
    assert(type(result.bytes) == "string" and #result.bytes > 0, "render returned no bytes")
  else
    assert(type(err) == "table" and type(err.code) == "string", "render failed without an error table")
    assert(err.code ~= "internal", "internal error: " .. tostring(err.message))
  end
end

return M
