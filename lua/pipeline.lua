-- The render pipeline: chart spec → validate → layout → draw → encode, reporting progress.
local annotations = require "layout.annotations"
local canvas = require "chartd.canvas"
local config = require "chartspec.config"
local clock = require "chartd.clock"
local charts = require "charts"
local summary = require "charts.shared.summary"
local errors = require "util.errors"
local frame = require "data.frame"
local json = require "util.json"
local themes = require "themes"
local validate = require "chartspec.validate"
local vegalite = require "vegalite.detect" -- the translator itself only for a Vega-Lite spec

local M = {}

M.MIME = { png = "image/png", svg = "image/svg+xml", pdf = "application/pdf" }

local function no_progress() end

-- Several validation errors become one error: the first one's code, every message.
local function merge_errors(list)
  local messages = {}
  for i, e in ipairs(list) do messages[i] = e.message end
  local first = list[1]
  return { code = first.code, path = first.path, message = table.concat(messages, "; "), errors = list }
end

-- Runs fn(...) and turns a raised error into an error table: chart code raises
-- errors.new(...) for problems with the data, anything else is an internal bug.
-- The client sees no file path or line: those go to the log with the whole message.
local function protect(stage, fn, ...)
  local ok, a, b = pcall(fn, ...)
  if ok then return a, b end
  if errors.is(a) then return nil, a end
  -- The canvas refuses NaN/Inf coordinates: finite data whose sums, spans or squares left the
  -- double range (±1.8e308) reached it. That is the data's size, not a bug.
  if type(a) == "string" and a:find("must be a finite number", 1, true) then
    return nil, errors.new("invalid_data", "data", "a position computed from the values is not a finite number: "
      .. "they are too large (a sum, span or square beyond ±1.8e308) or too close together to draw; scale the data")
  end
  local detail = tostring(a)
  pcall(function() require("chartd.log").error("render_bug", { stage = stage, error = detail }) end)
  local err = errors.new("internal", nil, ("%s failed: %s"):format(stage, (detail:gsub("[^%s:]*%.lua:%d+: ", ""))))
  err.detail = ("%s failed: %s"):format(stage, detail) -- for the operator (log, reload self-test)
  return nil, err
end

-- The normalized spec as the reply carries it: plain tables, data as records.
-- Data past ECHO_MAX_ROWS is not echoed (the client has it, and a conversation keeps it: a spec
-- sent back without data is drawn on the conversation's); the reply says so in data_omitted.
M.ECHO_MAX_ROWS = 10000

function M.reply_spec(spec)
  local out = {}
  for k, v in pairs(spec) do out[k] = v end
  if spec.data.nrows > M.ECHO_MAX_ROWS then
    out.data = nil
    return out, { rows = spec.data.nrows, columns = #spec.data.names }
  end
  out.data = { values = frame.to_records(spec.data) }
  return out
end

local function describe(chart, spec, layout)
  -- The author's own description (Vega-Lite's `description`) is the best alt text.
  if type(spec.description) == "string" and spec.description:find("%S") then return spec.description end
  if chart.describe then
    local ok, text = pcall(chart.describe, spec, layout)
    if ok and type(text) == "string" then return text end
  end
  local enc = spec.encoding
  local what = (enc.y and enc.y.title) or (enc.theta and enc.theta.title) or (enc.x and enc.x.title) or "values"
  local by = enc.x and enc.y and (" by " .. enc.x.title) or ""
  local split = enc.color and enc.color.field and (", split by " .. enc.color.title) or ""
  local title = spec.title and (": " .. spec.title) or ""
  return ("%s chart of %s%s%s%s."):format(spec.type:gsub("^%l", string.upper), what, by, split, title)
end

local XML_ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&apos;" }

local function xml_escape(str)
  -- Control characters other than tab/newline are not allowed in XML 1.0.
  return (str:gsub("[\0-\8\11\12\14-\31]", ""):gsub("[&<>\"']", XML_ESCAPES))
end

-- Puts <title> and <desc> first inside the root <svg> element, so screen
-- readers and browsers (tooltip) announce the chart's title and alt text.
function M.svg_accessible(svg, title, desc)
  local s, e = svg:find("<svg[^>]*>")
  if not s then return svg end
  local head = ("\n<title>%s</title>\n<desc>%s</desc>"):format(xml_escape(title), xml_escape(desc))
  return svg:sub(1, e) .. head .. svg:sub(e + 1)
end

-- The canvas's scene as the reply carries it: arrays stay arrays when empty, a text's
-- missing value is null, and `plot` falls back to the whole canvas for charts without one.
local function scene_reply(scene)
  for _, it in ipairs(scene.items) do
    if it.kind == "text" and it.value == nil then it.value = json.null end
    if it.points then json.array(it.points) end
  end
  json.array(scene.items)
  scene.plot = scene.plot or { x = 0, y = 0, w = scene.width, h = scene.height }
  return scene
end

-- Checks that a spec validates and lays out on its data, without drawing: true | nil, error
-- table (a client error, or internal for a bug). The LLM planner's test of an answer.
function M.check(input)
  local spec, errs = validate.spec(input)
  if not spec then return nil, merge_errors(errs) end
  local theme, terr = themes.get(spec.theme)
  if not theme then return nil, terr end
  local chart, cerr = charts.get(spec.type)
  if not chart then return nil, cerr end
  local layout, lerr = protect("layout", chart.layout, spec, theme, { x = 0, y = 0, width = spec.width,
    height = spec.height })
  if not layout then return nil, lerr end
  return true
end

-- Renders a spec table. Returns a result table, or nil and an error table
-- { code =, path =, message = }. opts.progress(stage, percent, message) is called on the way;
-- opts.checkpoint() between stages (it raises to end a cancelled or overdue request);
-- opts.note is a short text drawn bottom-right (the agent's "illustrative data" mark);
-- opts.scene = true adds result.scene, the description of what was drawn (docs/protocol.md).
function M.render(input, opts)
  opts = opts or {}
  local progress = opts.progress or no_progress
  local checkpoint = opts.checkpoint or no_progress
  local timings = {}
  local started = clock.now_ms()
  local mark = started
  local function lap(name)
    local now = clock.now_ms()
    timings[name] = math.floor((now - mark) * 100 + 0.5) / 100
    mark = now
  end

  progress("data_processing", 20, "validating the chart spec")
  local warnings
  if vegalite.is_vegalite(input) then
    local translated, w = protect("vegalite", require("vegalite").translate, input)
    if not translated then return nil, w end
    input, warnings = translated, w
  end
  local spec, errs = validate.spec(input)
  if not spec then return nil, merge_errors(errs) end
  local theme, terr = themes.get(spec.theme)
  if not theme then return nil, terr end
  theme = config.apply(theme, spec.config)
  theme = themes.for_size(theme, spec.width, spec.height)
  local chart, cerr = charts.get(spec.type)
  if not chart then return nil, cerr end
  if spec.type ~= "facet" and (spec.encoding.column or spec.encoding.row) then chart = charts.get("facet") end
  lap("validate_ms")

  checkpoint()
  progress("rendering", 40, ("laying out %d rows as a %s chart"):format(spec.data.nrows, spec.type))
  local box = { x = 0, y = 0, width = spec.width, height = spec.height }
  local layout, lerr = protect("layout", chart.layout, spec, theme, box)
  if not layout then return nil, lerr end
  local notes, nerr = protect("layout", annotations.for_chart, spec, layout, theme)
  if not notes then return nil, nerr end
  lap("layout_ms")

  checkpoint()
  progress("rendering", 60, "drawing")
  local c = canvas.new { format = spec.format, width = spec.width, height = spec.height, scale = spec.scale,
    scene = opts.scene == true }
  c:mark_role(chart.mark or "mark")
  local ok, derr = protect("draw", function()
    chart.draw(c, layout, theme)
    annotations.draw(c, notes.geometry, theme, notes.plot) -- over the marks, under the note
    -- opts.note ("illustrative data") sits in the bottom-right corner, over the chart's
    -- padding, in the theme's muted colour so it marks the image without competing with it
    if type(opts.note) == "string" and opts.note ~= "" then
      local pad = (theme.padding or 16) / 2
      c:text(opts.note, spec.width - pad, spec.height - pad / 2, {
        font = { family = theme.font, size = (theme.font_sizes or {}).note or 10 },
        color = theme.muted, align = "right", valign = "bottom", role = "note" })
    end
    return true
  end)
  if not ok then c:close(); return nil, derr end
  lap("draw_ms")

  checkpoint()
  progress("encoding", 80, ("encoding %s"):format(spec.format:upper()))
  local bytes, ferr = c:finish { compression = opts.compression }
  if not bytes then -- cairo's sticky error state or the encoder's memory: not the client's doing
    return nil, errors.new("internal", nil, ("encoding failed: %s"):format(tostring(ferr)))
  end
  local scene = opts.scene and scene_reply(c:scene()) or nil
  local alt = describe(chart, spec, layout)
  if spec.format == "svg" then
    local title = (spec.title and spec.title ~= "") and spec.title or alt
    bytes = M.svg_accessible(bytes, title, alt)
  end
  lap("encode_ms")
  timings.total_ms = math.floor((clock.now_ms() - started) * 100 + 0.5) / 100

  local reply, omitted = M.reply_spec(spec)
  return {
    bytes = bytes,
    format = spec.format,
    mime = M.MIME[spec.format],
    width = spec.width,
    height = spec.height,
    scale = spec.scale,
    spec = reply, data_omitted = omitted,
    alt = alt,
    data_summary = summary.build(chart, spec, layout), -- the aggregated table drawn, capped
    warnings = warnings, -- what a Vega-Lite spec asked that chartd does not draw
    scene = scene,
    -- how the marks were drawn when a chart chose (M4-reduced lines, stamped or image marks)
    drawing = type(layout.drawing) == "table" and layout.drawing or nil,
    timings_ms = timings,
  }
end

return M
