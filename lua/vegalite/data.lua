-- Vega-Lite `data` → records: inline values, a named dataset, a sequence, or `url` — only a
-- relative file name inside the configured data folder (CHARTD_DATA_DIR), never a network
-- address or a path leaving the folder. `format` (json/csv/tsv/dsv, property, parse) is read
-- as Vega reads it.
local errors = require "util.errors"
local json = require "util.json"

local M = {}

M.MAX_BYTES = 64 * 1024 * 1024

local function fail(path, msg) error(errors.new("invalid_data", path, msg)) end

-- The data folder: chartd.config's data_dir in the server, CHARTD_DATA_DIR elsewhere.
function M.data_dir()
  local ok, cfg = pcall(require, "chartd.config")
  if ok and type(cfg) == "table" and type(cfg.data_dir) == "string" and cfg.data_dir ~= "" then return cfg.data_dir end
  local env = os and os.getenv and os.getenv("CHARTD_DATA_DIR")
  if env and env ~= "" then return env end
  return nil
end

-- A relative name under the data folder, or an error naming why not.
function M.resolve(url, path)
  if type(url) ~= "string" or url == "" then fail(path, "must be a file name (string)") end
  if url:find("^%a[%w+.-]*:") or url:find("^//") then
    fail(path, ('"%s" is a network address; chartd reads data only from files in its data folder (CHARTD_DATA_DIR)')
      :format(url))
  end
  if url:find("^/") or url:find("\\", 1, true) or url:find("%z") then
    fail(path, ('"%s" must be a relative name inside the data folder'):format(url))
  end
  for part in url:gmatch("[^/]+") do
    if part == ".." then fail(path, ('"%s" leaves the data folder'):format(url)) end
  end
  local dir = M.data_dir()
  if not dir then
    fail(path, "data.url needs a data folder: set CHARTD_DATA_DIR to the folder holding the files")
  end
  return (dir:gsub("/+$", "")) .. "/" .. url:gsub("^%./", "")
end

local function read_file(file, path, url)
  local f = io.open(file, "rb")
  if not f then fail(path, ('no file "%s" in the data folder'):format(url)) end
  local text = f:read(M.MAX_BYTES + 1)
  f:close()
  if text == nil then text = "" end
  if #text > M.MAX_BYTES then fail(path, ('"%s" is larger than %d MB'):format(url, M.MAX_BYTES // 1048576)) end
  return text
end

-- Delimited text → records of strings (missing cells left out), as Vega's dsv reader.
local function dsv_records(text, sep, path)
  local ok, csv = pcall(require, "chartd.csv")
  if not ok then fail(path, "CSV support is not available in this build") end
  local rows, err = csv.parse(text, { separator = sep })
  if not rows then fail(path, "invalid " .. (sep == "\t" and "TSV" or "CSV") .. ": " .. tostring(err)) end
  local header = rows[1] or {}
  local out = json.array({})
  for i = 2, #rows do
    local r = rows[i]
    if not (#r <= 1 and (r[1] or "") == "") then
      local rec = {}
      for j, name in ipairs(header) do
        local v = r[j]
        if v ~= nil then rec[name] = v end
      end
      out[#out + 1] = rec
    end
  end
  return out
end

local function by_property(v, prop, path)
  if type(prop) ~= "string" then return v end
  for part in prop:gmatch("[^.]+") do
    if type(v) ~= "table" then fail(path, ('no "%s" in the data'):format(prop)) end
    v = v[part]
  end
  return v
end

-- format.parse: {"field": "number"|"boolean"|"date"|"date:'%d/%m/%Y'"|null}.
local function apply_parse(records, parse, path, warn)
  if type(parse) ~= "table" then return records end
  local frame = require "data.frame"
  for field, how in pairs(parse) do
    if how == "number" then
      for _, r in ipairs(records) do
        local v = r[field]
        if type(v) == "string" then r[field] = frame.parse_number(v) or (v == "" and json.null or v) end
      end
    elseif how == "boolean" then
      for _, r in ipairs(records) do
        local v = r[field]
        if type(v) == "string" then r[field] = v == "true" or v == "1" end
      end
    elseif type(how) == "string" and (how == "date" or how:match("^date:") or how:match("^utc:")) then
      local fmt = how:match("^%a+:['\"]?(.-)['\"]?$")
      if fmt then
        local dates = require "data.dates"
        for _, r in ipairs(records) do
          local t = type(r[field]) == "string" and dates.strptime(r[field], fmt)
          if t then
            r[field] = frame.format_date(t, "datetime")
          elseif type(r[field]) == "string" then
            r[field] = json.null
          end
        end
      end
    elseif how ~= json.null then -- null: leave the field as it is
      warn(path .. ".format.parse." .. tostring(field), ('"%s" is not a parse type chartd knows; ignored')
        :format(tostring(how)))
    end
  end
  return records
end

-- M.records(data, ctx) → array of records. ctx = { warn =, datasets = top-level datasets }.
function M.records(data, ctx, path)
  path = path or "data"
  if data == nil or data == json.null then fail(path, "missing; give data.values or data.url") end
  if type(data) ~= "table" then fail(path, "must be an object like {\"values\": [...]} or {\"url\": \"file.csv\"}") end
  local fmt = type(data.format) == "table" and data.format or {}
  local records
  if data.values ~= nil then
    local v = data.values
    if type(v) == "string" then
      local ftype = fmt.type or "json"
      if ftype == "csv" or ftype == "tsv" or ftype == "dsv" then
        records = dsv_records(v, ftype == "tsv" and "\t" or (fmt.delimiter or ","), path .. ".values")
      else
        local decoded = json.decode(v)
        records = by_property(decoded, fmt.property, path)
      end
    else
      records = by_property(v, fmt.property, path)
    end
  elseif data.url ~= nil then
    local file = M.resolve(data.url, path .. ".url")
    local text = read_file(file, path .. ".url", data.url)
    local ftype = fmt.type or (data.url:match("%.(%a+)$") or "json"):lower()
    if ftype == "csv" then records = dsv_records(text, ",", path .. ".url")
    elseif ftype == "tsv" then records = dsv_records(text, "\t", path .. ".url")
    elseif ftype == "dsv" then records = dsv_records(text, fmt.delimiter or ",", path .. ".url")
    elseif ftype == "json" then
      local decoded, err = json.decode(text)
      if decoded == nil then fail(path .. ".url", ('"%s" is not valid JSON: %s'):format(data.url, tostring(err))) end
      records = by_property(decoded, fmt.property, path)
    else
      fail(path .. ".format.type", ('"%s" files are not supported; formats are json, csv, tsv, dsv'):format(ftype))
    end
  elseif data.name ~= nil then
    local ds = ctx.datasets
    if type(ds) ~= "table" or ds[data.name] == nil then
      fail(path .. ".name", ('no dataset "%s" in the spec\'s "datasets"'):format(tostring(data.name)))
    end
    records = ds[data.name]
  elseif data.sequence ~= nil then
    local s = data.sequence
    local start, stop, step = tonumber(s.start), tonumber(s.stop), tonumber(s.step) or 1
    if not start or not stop or step == 0 or (stop - start) / step > 100000 then
      fail(path .. ".sequence", "needs numbers start < stop and a step giving at most 100000 values")
    end
    records = json.array({})
    local as = s.as or "data"
    -- d3's range: start + i·step for i below ceil((stop - start) / step), no running sum.
    local n = math.max(0, math.ceil((stop - start) / step))
    for i = 0, n - 1 do records[#records + 1] = { [as] = start + i * step } end
  else
    fail(path, "give data.values, data.url, data.name or data.sequence")
  end
  if type(records) ~= "table" then fail(path, "the data must be an array of records") end
  -- Arrays of plain values become {"data": value} records, as in Vega.
  local out = json.array({})
  for i, r in ipairs(records) do
    if type(r) ~= "table" or r == json.null then out[i] = { data = r } else
      local copy = {}
      for k, v in pairs(r) do copy[k] = v end
      out[i] = copy
    end
  end
  return apply_parse(out, fmt.parse, path, ctx.warn)
end

return M
