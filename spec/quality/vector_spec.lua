-- Specs for SVG and PDF output: SVG carries the chart's title and alt text
-- as <title>/<desc> (XML-escaped, first in the root element); PDF text is
-- real text (embedded fonts, extractable with pdftotext when installed).
local pipeline = require "pipeline"
local charts = require "charts"

local copy = require("util.tables").deep_copy

local function render(format, title)
  local spec = copy(charts.get("bar").sample)
  spec.format, spec.width, spec.height = format, 480, 320
  if title ~= nil then spec.title = title end
  return assert(pipeline.render(spec))
end

describe("SVG output", function()
  it("starts the root element with <title> and <desc>: the chart title and the alt text", function()
    local r = render("svg")
    local open_end = select(2, r.bytes:find("<svg[^>]*>"))
    local after = r.bytes:sub(open_end + 1, open_end + 600)
    assert.equal("\n<title>Revenue by month</title>\n<desc>", after:sub(1, 39))
    local desc = r.bytes:match("<desc>(.-)</desc>")
    local escaped = r.alt:gsub("&", "&amp;"):gsub('"', "&quot;"):gsub("'", "&apos;")
    assert.equal(escaped, desc)
    assert.truthy(#desc > 40, desc)
    assert.equal(1, select(2, r.bytes:gsub("<title>", "")))
  end)

  it("escapes markup in the title", function()
    local r = render("svg", 'Profit & "loss" <2024>')
    assert.truthy(r.bytes:find("<title>Profit &amp; &quot;loss&quot; &lt;2024&gt;</title>", 1, true))
    assert.is_nil(r.bytes:find("<2024>", 1, true))
  end)

  it("uses the alt text as the title when the chart has none", function()
    local spec = copy(charts.get("line").sample)
    spec.title, spec.subtitle, spec.format = nil, nil, "svg"
    local r = assert(pipeline.render(spec))
    assert.equal(r.bytes:match("<desc>(.-)</desc>"), r.bytes:match("<title>(.-)</title>"))
  end)

  it("leaves anything without an <svg> element alone", function()
    assert.equal("<x/>", pipeline.svg_accessible("<x/>", "t", "d"))
  end)
end)

describe("PDF output", function()
  local r = render("pdf", "Quarterly revenue Zürich")

  it("is a PDF with embedded fonts (text drawn as text, not paths)", function()
    assert.equal("%PDF-", r.bytes:sub(1, 5))
    assert.truthy(r.bytes:find("/Font", 1, true))
    assert.truthy(r.bytes:find("/FontFile", 1, true))
  end)

  local has_pdftotext = os.execute("command -v pdftotext >/dev/null 2>&1")
  local test = has_pdftotext and it or pending
  test("gives its title and labels back through pdftotext (poppler-utils)", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    f:write(r.bytes)
    f:close()
    local p = assert(io.popen("pdftotext -enc UTF-8 " .. path .. " - 2>&1"))
    local out = p:read("a")
    p:close()
    os.remove(path)
    assert.truthy(out:find("Quarterly revenue Zürich", 1, true), out)
    assert.truthy(out:find("Revenue (kEUR)", 1, true), out)
  end)
end)
