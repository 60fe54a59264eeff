-- How the class specs read a first turn as the agent does: the offline plan, then the rows its
-- words keep (followup.rows), validated on df. Returns the spec (without its data) and the
-- planner's info; fails with the request and the reason when there is no valid chart.
local followup = require "planner.followup"
local offline = require "planner.offline"
local validate = require "chartspec.validate"
local luassert = require "luassert"

return function(prompt, df)
  local spec, info = offline.plan(prompt, df, {})
  luassert.is_table(spec, ("%q → %s"):format(prompt, tostring(info)))
  spec = followup.rows(prompt, spec, df)
  spec.data = df
  local ok, errs = validate.spec(spec)
  luassert.is_truthy(ok, ("%q → invalid: %s"):format(prompt, errs and errs[1] and errs[1].message or "?"))
  spec.data = nil
  return spec, info
end
