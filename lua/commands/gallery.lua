-- `chartd gallery -o DIR`: every chart type's sample in every theme, plus an index.html.
local args = require "commands.args"
local charts = require "charts"
local files = require "util.files"
local json = require "util.json"
local pipeline = require "pipeline"
local themes = require "themes"

local M = {}

local USAGE = "usage: chartd gallery -o DIR [--format png|svg] [--scale S]\n"

local copy = require("util.tables").deep_copy

local function html_escape(s)
  return (s:gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" }))
end

local function index_html(entries, theme_names)
  local out = { [[<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chartd gallery</title>
<style>
body { font-family: DejaVu Sans, sans-serif; margin: 2rem; background: #f6f7f9; color: #1f2328; }
section { display: grid; grid-template-columns: minmax(0, 1fr) 24rem; gap: 1rem; margin-bottom: 2.5rem; }
.images { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; } img { width: 400px; border: 1px solid #d0d7de; }
figcaption { font-size: .85rem; color: #57606a; }
pre { background: #fff; border: 1px solid #d0d7de; padding: .75rem; overflow: auto;
      max-height: 28rem; font-size: .75rem; }
</style></head><body>
<h1>chartd gallery</h1>
<p>Every chart type in every theme (]] .. html_escape(table.concat(theme_names, ", ")) ..
    [[), drawn by <code>chartd gallery</code> from each type's sample spec, shown beside it.</p>
]] }
  for _, e in ipairs(entries) do
    out[#out + 1] = ('<h2 id="%s">%s</h2><section><div class="images">'):format(e.type, e.type)
    for _, img in ipairs(e.images) do
      out[#out + 1] = ('<figure><img src="%s" alt="%s"><figcaption>%s</figcaption></figure>')
        :format(img.file, html_escape(img.alt), img.theme)
    end
    out[#out + 1] = ("</div><pre>%s</pre></section>"):format(html_escape(e.spec_json))
  end
  out[#out + 1] = "</body></html>\n"
  return table.concat(out, "\n")
end

function M.run(argv)
  local opts, positional = args.parse(argv, { o = "output", output = "output", format = "format", scale = "scale" },
    { help = true })
  if not opts then io.stderr:write("chartd gallery: ", positional, "\n", USAGE); return 2 end
  if opts.help then io.stdout:write(USAGE); return 0 end
  if not opts.output or #positional > 0 then io.stderr:write(USAGE); return 2 end
  local ok, nerr = args.number(opts, "scale")
  if not ok then io.stderr:write("chartd gallery: ", nerr, "\n"); return 2 end
  local format = opts.format or "png"
  local dir = opts.output
  if not os.rename(dir, dir) then
    -- The folder name comes from the user's command line, quoted for the shell.
    local made = os.execute(("mkdir -p '%s'"):format(dir:gsub("'", "'\\''")))
    if not made then io.stderr:write("chartd gallery: cannot create ", dir, "\n"); return 1 end
  end

  local entries, theme_names, failures = {}, themes.names(), 0
  for _, type_name in ipairs(charts.names()) do
    local chart = charts.get(type_name)
    local entry = { type = type_name, images = {}, spec_json = json.encode(chart.sample) }
    for _, theme in ipairs(theme_names) do
      local spec = copy(chart.sample)
      spec.theme, spec.format, spec.scale = theme, format, opts.scale or spec.scale
      local file = ("%s-%s.%s"):format(type_name, theme, format)
      local result, err = pipeline.render(spec)
      local written, werr
      if result then written, werr = files.write_atomic(dir .. "/" .. file, result.bytes) end
      if not written then
        failures = failures + 1
        io.stderr:write(("chartd gallery: %s: %s\n"):format(file, err and err.message or werr))
      else
        entry.images[#entry.images + 1] = { file = file, theme = theme, alt = result.alt }
      end
    end
    entries[#entries + 1] = entry
  end
  local written, werr = files.write_atomic(dir .. "/index.html", index_html(entries, theme_names))
  if not written then io.stderr:write("chartd gallery: ", werr, "\n"); return 1 end
  io.stdout:write(("chartd gallery: wrote %d chart types x %d themes to %s/index.html\n")
    :format(#entries, #theme_names, dir))
  return failures == 0 and 0 or 1
end

return M
