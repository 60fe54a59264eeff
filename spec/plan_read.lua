-- How the class specs read a first turn with the offline planner alone: the spec it plans on df,
-- failing with the request and the planner's reason when there is none or it does not validate.
-- Returns the spec (its data set to df) and the planner's info.
local offline = require "planner.offline"
local validate = require "chartspec.validate"
local luassert = require "luassert"

return function(prompt, df)
  local spec, info = offline.plan(prompt, df, {})
  luassert.is_table(spec, ("%q → %s"):format(prompt, tostring(info)))
  spec.data = df
  local ok, errs = validate.spec(spec)
  luassert.is_truthy(ok, ("%q → invalid: %s"):format(prompt, errs and errs[1] and errs[1].message or "?"))
  return spec, info
end
