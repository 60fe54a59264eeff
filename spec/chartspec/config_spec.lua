-- A spec's `config` (chartspec.config): font sizes by Vega-Lite's names are checked, kept within
-- a readable range, and change the text of the rendered chart.
local config = require "chartspec.config"
local themes = require "themes"
local pipeline = require "pipeline"

local function check(cfg)
  local errs = {}
  config.check(function(e) errs[#errs + 1] = e end, cfg)
  return errs
end

-- The size of the scene's text item that reads `label`.
local function size_of(result, label)
  for _, it in ipairs(result.scene.items) do
    if it.kind == "text" and it.text == label then return it.size end
  end
  return nil
end

local function chart(cfg)
  return { type = "bar", format = "png", title = "Sizes", config = cfg,
    data = { values = { { k = "alpha", v = 1 }, { k = "beta", v = 2 } } },
    encoding = { x = { field = "k", type = "nominal" }, y = { field = "v", type = "quantitative" } } }
end

describe("chartspec.config font sizes", function()
  it("accepts the font size keys and names them when a key is unknown", function()
    assert.same({}, check { axis = { labelFontSize = 14, titleFontSize = 13 }, title = { fontSize = 20 },
      legend = { labelFontSize = 12 } })
    local errs = check { title = { size = 20 } }
    assert.equal("config.title.size", errs[1].path)
    assert.truthy(errs[1].message:find("fontSize", 1, true))
    assert.equal("config.axis.labelFontSize", check({ axis = { labelFontSize = "big" } })[1].path)
  end)

  it("lays the sizes over the theme, kept between 6 and 48, value labels beside the axis labels", function()
    local base = assert(themes.get("light"))
    local t = config.apply(base, { axis = { labelFontSize = 15 }, title = { fontSize = 200 } })
    assert.equal(15, t.font_sizes.tick)
    assert.equal(14, t.font_sizes.label)
    assert.equal(48, t.font_sizes.title)
    assert.equal(base.font_sizes.legend, t.font_sizes.legend)
    assert.equal(11, base.font_sizes.tick) -- the theme itself is untouched
    assert.equal(6, config.apply(base, { legend = { labelFontSize = 1 } }).font_sizes.legend)
  end)

  it("renders larger axis labels and title when asked", function()
    local plain = assert(pipeline.render(chart(nil), { scene = true }))
    local big = assert(pipeline.render(chart { axis = { labelFontSize = 16 }, title = { fontSize = 26 } },
      { scene = true }))
    assert.equal(11, size_of(plain, "alpha"))
    assert.equal(16, size_of(big, "alpha"))
    assert.equal(26, size_of(big, "Sizes"))
  end)
end)
