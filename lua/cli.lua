-- The command line: `chartd <command> ...` runs lua/commands/<command>.lua (`serve` and `check` are C).
local M = {}

local USAGE = [[
usage: chartd <command> [options]

commands:
  serve                         run the WebSocket/HTTP server
  check                         validate the configuration and the scripts, then exit
  render SPEC.json|- -o OUT     draw a chart spec (format from OUT's extension, or --format)
  ask "REQUEST" -o OUT          plan and draw a chart (data synthesized unless --data FILE)
  plan [--data FILE] "REQUEST"  print the chart spec the offline planner makes (pipes into render -)
  sign SPEC.json                print a signed chart URL for <img src> (GET /v1/charts)
  gallery -o DIR                every chart type in every theme, plus an index.html

Every command reads .env in the working directory and the environment, as serve does.
Exit codes: 0 done, 1 the input or the work failed (one line on stderr), 2 usage or
configuration. Run `chartd <command> --help` for a command's options.
]]

-- Commands whose modules live in lua/commands/; a name is checked against this list so
-- that `chartd ../x` never turns into a module path.
local COMMANDS = { render = true, gallery = true, plan = true, ask = true }

function M.main(...)
  local args = { ... }
  local name = table.remove(args, 1)
  if name == nil or name == "help" or name == "--help" or name == "-h" then
    io.stdout:write(USAGE)
    return name == nil and 2 or 0
  end
  if name == "--version" or name == "version" then
    io.stdout:write("chartd ", require("chartd.host").version, "\n")
    return 0
  end
  if not COMMANDS[name] then
    io.stderr:write(("chartd: unknown command %q; commands are serve, check, render, ask, plan, sign, gallery\n")
      :format(name))
    return 2
  end
  local ok, command = pcall(require, "commands." .. name)
  if not ok then
    io.stderr:write(("chartd: the %s command is not available: %s\n"):format(name, command))
    return 2
  end
  return command.run(args)
end

return M
