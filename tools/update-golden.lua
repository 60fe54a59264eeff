-- Regenerates the golden images under spec/golden/ (every chart type × theme,
-- or only the types named). Deliberate: run it after a visual change you
-- have looked at, then review the new PNGs before they are committed.
--   lua5.4 tools/update-golden.lua [--cpath build/lib/?.so] [--out spec/golden] [type ...]
-- Run from the repository root.
local argv, cpath, out, only = arg, "build/lib/?.so", nil, {}
local i = 1
while i <= #argv do
  local a = argv[i]
  if a == "--cpath" then cpath = argv[i + 1]; i = i + 1
  elseif a == "--out" then out = argv[i + 1]; i = i + 1
  else only[#only + 1] = a end
  i = i + 1
end
package.path = "lua/?.lua;lua/?/init.lua;spec/?.lua;" .. package.path
package.cpath = cpath .. ";" .. package.cpath

local golden = require "quality.golden"
local charts = require "charts"
local themes = require "themes"

local types = #only > 0 and only or charts.names()
local wrote, same, failed = 0, 0, 0
for _, t in ipairs(types) do
  for _, th in ipairs(themes.names()) do
    local path = golden.path(t, th, out)
    local bytes, err = golden.render(t, th)
    if not bytes then
      failed = failed + 1
      io.stderr:write(("%s: %s\n"):format(path, err and err.message or "render failed"))
    elseif golden.read(path) == bytes then
      same = same + 1
    else
      golden.write(path, bytes)
      wrote = wrote + 1
      print("wrote " .. path)
    end
  end
end
print(("%d written, %d unchanged, %d failed"):format(wrote, same, failed))
os.exit(failed == 0 and 0 or 1)
