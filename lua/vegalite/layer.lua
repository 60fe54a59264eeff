-- `layer`: the common shapes drawn as one chart — the first layer with a chart mark is the
-- chart, rule and text layers over it become annotations.
local errors = require "util.errors"

local M = {}

function M.main(vl)
  error(errors.new("invalid_spec", "layer", "layers are not supported yet"))
  return vl, nil
end

function M.annotate() end

return M
