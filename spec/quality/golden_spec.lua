-- Golden images: every chart type × theme drawn from the type's sample at
-- 320×240 must match spec/golden/<type>-<theme>.png within the tolerance in
-- spec/quality/golden.lua. A type or theme without a golden image yet is
-- pending (regenerate deliberately: see spec/golden/README.md).
local golden = require "quality.golden"
local charts = require "charts"
local themes = require "themes"

local FAILED_DIR = (os.getenv("TMPDIR") or "/tmp") .. "/chartd-golden-actual"

describe("golden images", function()
  it("fail on a real layout change (the comparison can fail)", function()
    local a = assert(golden.render("bar", "light"))
    local b = assert(golden.render("bar", "light", { width = golden.WIDTH, height = golden.HEIGHT }))
    assert.equal(0, (golden.compare(a, b)))
    local theme = assert(themes.get("light"))
    -- (at 320×240 the tick labels sit at the readable floor, so a tick size change of a
    -- pixel or two does not show: a 2 px layout shift does)
    theme.padding = theme.padding + 2
    local ok, c = pcall(golden.render, "bar", "light")
    theme.padding = theme.padding - 2
    assert.is_true(ok)
    local share = golden.compare(a, c)
    assert.is_true(share > golden.MAX_SHARE, ("padding +2 px moved only %.2f %% of pixels"):format(share * 100))
  end)

  for _, t in ipairs(charts.names()) do
    for _, th in ipairs(themes.names()) do
      local path = golden.path(t, th)
      local expected = golden.read(path)
      if not expected then
        pending(("%s: no golden image yet; run lua5.4 tools/update-golden.lua %s"):format(path, t))
      else
        it(t .. " in " .. th .. " matches " .. path, function()
          local bytes = assert(golden.render(t, th))
          local share, n = golden.compare(expected, bytes)
          if share > golden.MAX_SHARE then
            os.execute("mkdir -p " .. FAILED_DIR)
            local out = ("%s/%s-%s.png"):format(FAILED_DIR, t, th)
            golden.write(out, bytes)
            error(("%s: %d pixels (%.2f %%) differ by more than %d counts; the new render is %s")
              :format(path, n, share * 100, golden.CHANNEL_TOL, out), 0)
          end
        end)
      end
    end
  end
end)
