-- How the class specs read a first turn as the agent does: the plan (spec/plan_read.lua), then the
-- rows its words keep (followup.rows), validated again on df. Returns the spec (without its data)
-- and the planner's info.
local followup = require "planner.followup"
local validate = require "chartspec.validate"
local plan_read = require "plan_read"
local luassert = require "luassert"

return function(prompt, df)
  local spec, info = plan_read(prompt, df)
  spec = followup.rows(prompt, spec, df)
  spec.data = df
  local ok, errs = validate.spec(spec)
  luassert.is_truthy(ok, ("%q → invalid after its rows: %s")
    :format(prompt, errs and errs[1] and errs[1].message or "?"))
  spec.data = nil
  return spec, info
end
