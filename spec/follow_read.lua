-- How the class specs read a follow-up: as the kind they expect ("edit" unless told), failing
-- with the request, the kind read and the reply's message (or notes). Returns the spec and reply.
local followup = require "planner.followup"
local luassert = require "luassert"

return function(prompt, base, df, want)
  local r = followup.interpret(prompt, base, df)
  luassert.equal(want or "edit", r.kind,
    ("%q → %s %s"):format(prompt, r.kind, r.message or table.concat(r.notes or {}, "; ")))
  return r.spec, r
end
