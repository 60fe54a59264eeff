-- General English word lists and word matching for the offline planner: no
-- dataset's column names live here, only language (and fuzzy matching of it).
local M = {}

local function set(list)
  local s = {}
  for _, w in ipairs(list) do s[w] = true end
  return s
end

-- Words that carry no column meaning; a column is never matched through them
-- (except a column literally named that way, which the matcher checks first).
M.stop = set {
  "a", "an", "the", "of", "fo", "by", "to", "in", "on", "at", "for", "and", "or", "with", "from", "as",
  "is", "are", "was", "were", "be", "been", "do", "does", "did", "has", "have", "had", "it", "its", "this",
  "that", "these", "those", "there", "their", "they", "them", "what", "which", "who", "how", "where", "when",
  "why", "me", "my", "i", "we", "us", "our", "you", "your", "please", "can", "could", "would", "should",
  "show", "showing", "shows", "plot", "plotting", "plotted", "draw", "chart", "charts", "graph", "graphs",
  "visualize", "visualise", "visualization", "display", "give", "create", "make", "see", "let", "view",
  "each", "every", "all", "per", "vs", "versus", "against", "across", "between", "into", "than", "then",
  "based", "different", "various", "individual", "separate", "separately", "multiple", "some", "any",
  "x", "y", "axis", "axes", "bar", "bars", "line", "lines", "scatter", "scatterplot", "scatterplots",
  "histogram", "pie", "donut", "box", "boxplot", "area", "heatmap", "point", "points", "dot", "dots",
  "average", "avg", "mean", "total", "sum", "median", "count", "number", "numbers", "min", "max",
  "minimum", "maximum", "distribution", "relationship", "relation", "related", "relate", "correlation",
  "color", "colour", "colored", "coloured", "coloring", "colouring", "stacked", "stack", "grouped",
  "group", "split", "broken", "out", "over", "time", "trend", "trended", "also", "only", "just",
  "many", "much", "most", "more", "less", "least", "like", "using", "use", "up", "down", "new",
  "theme", "mode", "dark", "light", "title", "titled", "called", "sort", "sorted", "descending",
  "ascending", "order", "ordered", "top", "bottom", "highest", "lowest", "vertical", "horizontal",
  "graph", "plots", "data", "dataset", "table", "value", "values", "wise", "along", "about", "among",
  "compare", "compared", "comparing", "comparison", "change", "changes", "changed", "vary", "varies",
  "evolve", "evolved", "timeline", "series", "separated", "distinguished", "partitioned", "faceting",
  "facet", "small", "panels", "panel", "bin", "bins", "bucket", "buckets", "interval", "intervals",
  "size", "width", "rounded", "being", "same", "if", "so", "not", "no", "also", "get", "find",
  "want", "wants", "wanted", "need", "needs", "know", "look", "looking", "help", "think", "curious",
  "put", "puts", "putting",
}

-- Function words inside column names ("Days to Ship", "Cost of Goods"): not content.
M.name_function = set { "a", "an", "the", "of", "to", "in", "on", "at", "for", "and", "or", "by", "per",
  "with", "from", "vs" }

-- Words whose column match must be exact (never fuzzy): short or very common.
M.no_fuzzy = set { "year", "years", "date", "dates", "month", "day", "days", "week", "time", "type", "name" }

-- Aggregation words → aggregate.
M.aggregate = {
  average = "mean", averages = "mean", avg = "mean", mean = "mean", typical = "mean", averaged = "mean",
  total = "sum", totals = "sum", sum = "sum", summed = "sum", overall = "sum", cumulative = "sum",
  median = "median",
  max = "max", maximum = "max", highest = "max", largest = "max", biggest = "max", peak = "max",
  min = "min", minimum = "min", lowest = "min", smallest = "min",
}
-- adjectives of degree: "heaviest weight each chick reached", "coldest day per month"
for _, w in ipairs { "heaviest", "tallest", "longest", "fastest", "oldest", "greatest", "hottest", "warmest",
  "wettest", "strongest", "deepest", "widest" } do M.aggregate[w] = "max" end
for _, w in ipairs { "lightest", "shortest", "slowest", "youngest", "coldest", "coolest", "driest", "weakest",
  "shallowest", "narrowest" } do M.aggregate[w] = "min" end
-- Superlatives ("highest grossing genres", "which origin has the lowest mpg") ask for a
-- ranking, not an aggregate: they sort, and the measure keeps its usual aggregate.
M.superlative = set { "highest", "largest", "biggest", "peak", "lowest", "smallest" }
for w in pairs(M.aggregate) do
  if w:match("est$") then M.superlative[w] = true end
end

-- Words that ask for a row count.
M.count = set { "count", "counts", "frequency", "frequencies", "rowcount", "tally", "occurrences", "cnt" }
-- Nouns that name the rows themselves ("number of records").
M.row_nouns = set { "record", "row", "item", "entry", "observation", "instance", "case", "sample",
  "thing", "one", "unit", "datapoint" }

-- Chart type words.
M.chart = {
  bar = "bar", bars = "bar", barchart = "bar", column = "bar", columns = "bar",
  line = "line", lines = "line", linechart = "line",
  area = "area",
  scatter = "scatter", scatterplot = "scatter", scatterplots = "scatter", xyplot = "scatter",
  points = "scatter", point = "scatter", dots = "scatter", bubble = "scatter",
  pie = "pie", donut = "pie", doughnut = "pie",
  histogram = "histogram", histograms = "histogram", hist = "histogram",
  heatmap = "heatmap", box = "box", boxes = "box", boxplot = "box", boxplots = "box", whisker = "box",
  whiskers = "box",
}

-- Words that ask about a shape of one variable, a relation of two, a share of a whole, time.
M.distribution = set { "distribution", "distributions", "distributed", "distrib", "distr", "spread", "categorization",
  "categorisation", "bucket", "buckets", "bin", "bins", "binned", "intervals", "interval", "ranges",
  "histogram", "frequency" }
M.relation = set { "relationship", "relationships", "relation", "related", "relate", "relates",
  "correlation", "correlate", "correlated", "correlates", "vs", "versus", "against", "associated",
  "association", "depend", "depends", "dependence" }
M.share = set { "share", "shares", "proportion", "proportions", "percentage", "percentages", "percent",
  "fraction", "composition", "makeup", "pie", "donut" }
M.time_words = set { "time", "trend", "trends", "trended", "trending", "timeline", "evolve", "evolves",
  "evolved", "evolution", "history", "historical", "temporal", "chronological", "yearly", "annually",
  "annual", "monthly", "quarterly", "weekly", "daily" }

-- Verbs of change ("how has X grown", "how did Y fall"): asked with "how", a change over time.
local CHANGE_STEMS = { "chang", "grow", "grew", "rise", "rose", "risen", "rising", "fall", "fell", "increas",
  "decreas", "declin", "drop", "climb", "develop", "evolv", "shift", "shrank", "shrink", "shrunk", "went",
  "gone", "moved", "trend" }
function M.change_verb(w)
  for _, stem in ipairs(CHANGE_STEMS) do
    if w:sub(1, #stem) == stem then return true end
  end
  return false
end

-- Time units named by the request.
-- Words that say what kind of values a column holds ("age group", "income bracket").
M.value_kinds = set { "category", "categories", "type", "types", "kind", "kinds", "class", "classes",
  "group", "groups", "bracket", "brackets", "band", "bands", "tier", "tiers" }

M.time_unit = {
  year = "year", years = "year", yearly = "year", annual = "year", annually = "year",
  quarter = "quarter", quarters = "quarter", quarterly = "quarter",
  month = "month", months = "month", monthly = "month",
  week = "week", weeks = "week", weekly = "week",
  day = "day", days = "day", daily = "day", hour = "hour", hourly = "hour",
  -- no time unit spans a decade: the years, with a note (M.COARSER_THAN_YEAR)
  decade = "year", decades = "year", century = "year", centuries = "year",
}
M.COARSER_THAN_YEAR = set { "decade", "decades", "century", "centuries" }

-- Parts of a cycle ("hour of the day", "day of week", "by weekday", "month of the year"): the
-- Vega-Lite unit that pools every day, week or year into one cycle.
local CYCLES = {
  { { "hour", "of", "day" }, "hours" }, { { "hours", "of", "day" }, "hours" }, { { "time", "of", "day" }, "hours" },
  { { "day", "of", "week" }, "day" }, { { "days", "of", "week" }, "day" }, { { "weekday" }, "day" },
  { { "weekdays" }, "day" }, { { "month", "of", "year" }, "month" }, { { "months", "of", "year" }, "month" },
  { { "calendar", "month" }, "month" }, { { "day", "of", "month" }, "date" },
}
-- cycle_at(words, i) → unit, last index | nil; words[k] is the k-th token's word (or nil), and
-- "the" may stand between "of" and the cycle ("hour of the day").
function M.cycle_at(words, i)
  for _, c in ipairs(CYCLES) do
    local k, ok = i, true
    for n, w in ipairs(c[1]) do
      if n > 1 and words[k] == "the" and c[1][n - 1] == "of" then k = k + 1 end
      if words[k] ~= w then ok = false; break end
      k = k + 1
    end
    if ok then return c[2], k - 1 end
  end
  return nil
end

-- Column-name words that mark a time column (quantitative columns need one of these).
M.time_name = set { "year", "yr", "date", "month", "quarter", "week", "period", "timestamp", "datetime" }

-- Kinds of values, by the noun people use for them: "across sizes" over a column holding Small,
-- Midsize and Large names that column whatever it is called. (Colours are layout.color's names.)
M.value_kind_nouns = { size = "size", sizes = "size", season = "season", seasons = "season",
  weekday = "weekday", weekdays = "weekday", gender = "gender", genders = "gender", sex = "gender",
  direction = "direction", directions = "direction", colour = "colour", colours = "colour", color = "colour",
  colors = "colour", diet = "diet", diets = "diet", continent = "continent", continents = "continent",
  handedness = "hand", hand = "hand", marital = "marital", weather = "weather", conditions = "weather",
  fuel = "fuel", fuels = "fuel", transmission = "transmission", gearbox = "transmission", smoking = "smoking",
  smoker = "smoking", smokers = "smoking" }
M.value_kinds_of = {
  size = set { "small", "medium", "large", "midsize", "compact", "big", "tiny", "huge", "mini", "xl", "xs", "s",
    "m", "l", "extra large", "extra small", "full size", "fullsize" },
  season = set { "spring", "summer", "autumn", "fall", "winter" },
  weekday = set { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue",
    "wed", "thu", "fri", "sat", "sun" },
  gender = set { "male", "female", "men", "women", "man", "woman", "boy", "girl", "boys", "girls", "m", "f" },
  direction = set { "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "n", "s",
    "e", "w", "ne", "nw", "se", "sw" },
  diet = set { "herbi", "carni", "omni", "insecti", "herbivore", "carnivore", "omnivore", "insectivore", "vegan",
    "vegetarian", "piscivore", "frugivore" },
  continent = set { "africa", "asia", "europe", "americas", "north america", "south america", "oceania",
    "antarctica", "australia" },
  hand = set { "left", "right", "ambidextrous", "both" },
  marital = set { "married", "single", "divorced", "widowed", "separated", "never married" },
  weather = set { "sun", "sunny", "rain", "rainy", "snow", "fog", "drizzle", "cloudy", "clear", "storm" },
  fuel = set { "petrol", "diesel", "gasoline", "gas", "electric", "hybrid", "premium", "regular", "ethanol",
    "lpg", "cng" },
  transmission = set { "manual", "automatic", "auto", "cvt" },
  smoking = set { "never", "former", "current", "smoker", "nonsmoker", "non-smoker", "heavy", "light", "occasional" },
}

-- Column-name words that mark an identifier or a label of each row.
M.id_name = set { "id", "name", "title", "key", "code", "identifier", "label", "number", "no" }

-- Column names of people or events counted: a table with one of them beside columns of groups
-- says how many of them each group holds (year, age, sex, people).
M.counted = set { "population", "people", "persons", "inhabitants", "residents", "households", "passengers",
  "employees", "workers", "births", "deaths", "cases", "patients", "students", "visitors", "users", "flights",
  "trips", "orders", "visits", "respondents", "responses", "participants", "individuals", "observations" }
-- Quantities that add up (a total is meaningful); others (rates, ratings) average.
M.additive = set { "sales", "sale", "revenue", "revenues", "profit", "profits", "gross", "income",
  "earnings", "budget", "cost", "costs", "spend", "spending", "expense", "expenses", "amount",
  "quantity", "units", "volume", "count", "downloads", "clicks", "views", "total", "goals", "points", "wins",
  -- flows over a period add up too: what was produced, used, shipped or happened
  "generation", "production", "output", "consumption", "usage", "emissions", "exports", "imports",
  "shipments", "deliveries", "jobs", "hires", "arrivals", "departures", "injuries", "casualties",
  "fatalities", "victims", "incidents", "accidents", "crimes", "arrests", "tons", "tonnes", "barrels" }
for w in pairs(M.counted) do M.additive[w] = true end

-- General synonym groups: a request word in a group may name a column whose
-- name has another word of the same group. Ordinary thesaurus entries only.
M.synonyms = {
  { "revenue", "income", "earnings", "gross", "sales", "turnover", "takings", "money" },
  { "cost", "costs", "budget", "spend", "spending", "spent", "expense", "expenses", "disbursement",
    "disbursements", "outlay" },
  { "receipt", "receipts", "received", "takings", "inflow" },
  { "price", "cost", "amount", "expensive", "pricier", "priciest", "cheaper", "cheapest" },
  { "rating", "ratings", "score", "scores", "grade", "rank" },
  { "duration", "length", "runtime", "running", "long", "lengthy" },
  { "country", "nation", "region", "origin", "place", "location", "geography", "area", "territory" },
  { "category", "type", "kind", "class", "sort", "group", "genre", "bracket", "band", "tier" },
  { "percent", "percentage", "pct", "perc", "share", "proportion", "fraction" },
  { "origin", "departure", "departures", "source" },
  { "destination", "arrival", "arrivals", "dest" },
  { "job", "occupation", "profession", "jobs", "occupations", "professions" },
  { "weight", "mass", "heaviness", "heavy", "heavier", "heaviest" },
  { "quantity", "amount", "units", "volume" },
  { "speed", "velocity", "pace", "fast", "faster", "fastest", "slower", "slowest" },
  { "customer", "client", "buyer", "consumer" },
  { "product", "item", "article" },
  { "movie", "film", "picture", "title" },
  { "car", "vehicle", "automobile", "auto", "model" },
  { "profit", "margin", "gain" },
  { "precipitation", "rain", "rainfall", "precip", "snowfall" },
  { "temperature", "temp", "temps", "hot", "hotter", "hottest", "warmer", "warmest", "colder", "coldest" },
  -- adjectives of degree name the quantity they measure ("how strong" → magnitude, "deepest" → depth)
  { "magnitude", "mag", "strength", "strong", "stronger", "strongest", "intensity" },
  { "depth", "deep", "deeper", "deepest" },
  { "height", "tall", "taller", "tallest" },
  { "age", "older", "oldest", "younger", "youngest" },
  { "distance", "far", "farther", "farthest" },
  { "max", "maximum", "high", "highs" },
  { "min", "minimum", "low", "lows" },
  { "population", "pop", "inhabitants", "people" },
  { "fertility", "births", "birthrate" },
  { "expectancy", "lifespan", "longevity" },
  { "beak", "bill" },
  { "score", "goal", "goals" },
  { "built", "build", "construction", "constructed" },
  { "team", "side", "sides", "club", "clubs", "squad" },
  { "sex", "gender" },
  { "latitude", "lat" },
  { "longitude", "lon", "lng" },
}

-- Words that ask "where": they point at a column of place names.
M.place_words = set { "country", "countries", "nation", "nations", "region", "regions", "place",
  "places", "where", "location", "locations", "geography", "geographic", "continent", "continents",
  "origin", "origins", "originate", "area", "areas", "territory", "market", "markets", "city", "cities",
  "town", "towns", "state", "states", "county", "counties", "province", "provinces", "neighborhood",
  "neighborhoods", "neighbourhood", "district", "districts", "airport", "airports", "station", "stations",
  "port", "ports", "site", "sites", "destination", "destinations" }

-- Place names used to recognise a column of places by its values.
M.places = set {
  "usa", "us", "u.s.", "america", "americas", "united states", "canada", "mexico", "brazil", "argentina",
  "europe", "asia", "africa", "oceania", "australia", "antarctica", "emea", "apac", "latam", "nordics",
  "japan", "china", "india", "korea", "germany", "france", "italy", "spain", "uk", "united kingdom",
  "england", "britain", "sweden", "norway", "denmark", "finland", "netherlands", "belgium", "russia",
  "poland", "switzerland", "austria", "portugal", "ireland", "greece", "turkey", "egypt", "nigeria",
  "kenya", "south africa", "indonesia", "vietnam", "thailand", "singapore", "new zealand",
  "north", "south", "east", "west", "central", "northeast", "northwest", "southeast", "southwest",
  "midwest", "north america", "south america", "latin america", "middle east",
  "california", "texas", "new york", "florida", "washington", "illinois", "ohio", "pennsylvania",
}

-- Names whose code a column may hold instead (US states by their postal codes): read by the
-- follow-up rules when a column of codes is filtered by name ("drop alaska and hawaii"), and a code
-- in capitals as the name a column holds ("just NY").
M.place_codes = {
  alabama = "AL", alaska = "AK", arizona = "AZ", arkansas = "AR", california = "CA", colorado = "CO",
  connecticut = "CT", delaware = "DE", ["district of columbia"] = "DC", florida = "FL", georgia = "GA",
  guam = "GU", hawaii = "HI", idaho = "ID", illinois = "IL", indiana = "IN", iowa = "IA", kansas = "KS",
  kentucky = "KY", louisiana = "LA", maine = "ME", maryland = "MD", massachusetts = "MA", michigan = "MI",
  minnesota = "MN", mississippi = "MS", missouri = "MO", montana = "MT", nebraska = "NE", nevada = "NV",
  ["new hampshire"] = "NH", ["new jersey"] = "NJ", ["new mexico"] = "NM", ["new york"] = "NY",
  ["north carolina"] = "NC", ["north dakota"] = "ND", ohio = "OH", oklahoma = "OK", oregon = "OR",
  pennsylvania = "PA", ["puerto rico"] = "PR", ["rhode island"] = "RI", ["south carolina"] = "SC",
  ["south dakota"] = "SD", tennessee = "TN", texas = "TX", utah = "UT", vermont = "VT", virginia = "VA",
  washington = "WA", ["west virginia"] = "WV", wisconsin = "WI", wyoming = "WY",
}

-- Countries people write by their initials ("just the US and UK" over a column of names).
M.country_codes = { ["united states"] = "US", ["united kingdom"] = "UK", ["united arab emirates"] = "UAE" }

-- The names of each code of M.place_codes: "NY" → { "new york" }.
M.place_names = {}
for place, code in pairs(M.place_codes) do
  M.place_names[code] = M.place_names[code] or {}
  table.insert(M.place_names[code], place)
end

-- Light stemmer: plural and possessive endings, then a few verb endings. The
-- same stemmer runs on column names and requests, so it must be idempotent
-- ("ratings" → "rating" → "rating"), not linguistically right.
-- A word in American spelling ("colour" → color, "neighbourhood" → neighborhood, "centre" →
-- center, "organisation" → organization), so names and requests spelt either way meet.
function M.american(w)
  return (w:gsub("([^aeiou])our", "%1or"):gsub("isation", "ization"):gsub("([^aeiou])tre$", "%1ter")
    :gsub("([^aeiou])tres$", "%1ters"):gsub("ogue$", "og"):gsub("^grey", "gray"))
end

function M.stem(w)
  w = w:gsub("'s$", ""):gsub("'$", "")
  local n = #w
  if n <= 3 then return w end
  if w:sub(-3) == "ies" and n > 4 then
    w = w:sub(1, -4) .. "y"
  elseif w:sub(-4) == "sses" or w:sub(-4) == "ches" or w:sub(-4) == "shes" or w:sub(-3) == "xes" then
    w = w:sub(1, -3)
  elseif w:sub(-1) == "s" and not w:match("[su]s$") and not w:match("is$") then
    w = w:sub(1, -2)
  end
  if w:sub(-3) == "ing" and #w - 3 >= 4 then
    local base = w:sub(1, -4)
    if base:match("(%a)%1$") and not base:match("ll$") and not base:match("ss$") then base = base:sub(1, -2) end
    return base
  end
  if w:sub(-2) == "ed" and #w - 2 >= 4 and not w:match("eed$") then return w:sub(1, -3) end
  return w
end

-- Optimal string alignment distance (Damerau: adjacent transpositions cost 1),
-- giving up early once it exceeds `limit`.
function M.distance(a, b, limit)
  local la, lb = #a, #b
  if math.abs(la - lb) > limit then return limit + 1 end
  local prev2, prev = {}, {}
  for j = 0, lb do prev[j] = j end
  for i = 1, la do
    local cur = { [0] = i }
    local best = i
    local ca = a:byte(i)
    for j = 1, lb do
      local cb = b:byte(j)
      local cost = ca == cb and 0 or 1
      local v = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      if i > 1 and j > 1 and ca == b:byte(j - 1) and a:byte(i - 1) == cb then
        v = math.min(v, prev2[j - 2] + 1)
      end
      cur[j] = v
      if v < best then best = v end
    end
    if best > limit then return limit + 1 end
    prev2, prev = prev, cur
  end
  return prev[lb]
end

-- How closely request word `w` matches name word `c` (both stemmed): 1 exact,
-- lower for typos and prefixes, 0 for no match.
-- Whether the letters of w appear in c in the same order.
local function in_order(w, c)
  local at = 0
  for k = 1, #w do
    at = c:find(w:sub(k, k), at + 1, true)
    if not at then return false end
  end
  return true
end

function M.word_match(w, c)
  if w == c then return 1 end
  if M.no_fuzzy[w] or M.no_fuzzy[c] then return 0 end
  local lw, lc = #w, #c
  -- a transposition even in short words ("mgp"), plain typos in longer ones
  if lw == lc and lw >= 3 then
    local diff = {}
    for i = 1, lw do
      if w:byte(i) ~= c:byte(i) then diff[#diff + 1] = i end
    end
    if #diff == 2 and diff[2] == diff[1] + 1 and w:byte(diff[1]) == c:byte(diff[2])
        and w:byte(diff[2]) == c:byte(diff[1]) then
      return 0.9
    end
  end
  local limit = (lw >= 7 and lc >= 7) and 2 or ((lw >= 5 and lc >= 5) and 1 or 0)
  if limit > 0 then
    local d = M.distance(w, c, limit)
    if d <= limit then return 1 - 0.1 * d end
  end
  -- a clipped word ("accel", "disp") or a longer derived one ("originate")
  if lw >= 4 and lc > lw and c:sub(1, lw) == w and lw * 2 >= lc then return 0.8 end
  if lc >= 5 and lw > lc and w:sub(1, lc) == c and lc * 2 >= lw then return 0.75 end
  -- a column named by a short clip of the word ("pop" for population, "temp" for temperature)
  if lc >= 3 and lc <= 4 and lw >= 2 * lc and w:sub(1, lc) == c then return 0.75 end
  -- a short clip said of a long name word ("info" for information, "govt" below)
  if lw >= 4 and lc > lw and c:sub(1, lw) == w then return 0.7 end
  -- a contraction: first and last letters kept, some between in order, hardly a vowel ("govt"
  -- government, "mgmt" management, "dept" department, "qty" quantity)
  -- (its letters spread over the word: "bird" is the end of "blackbird", no contraction of it)
  if lw >= 3 and lc >= lw + 3 and w:byte(1) == c:byte(1) and w:byte(lw) == c:byte(lc)
      and select(2, w:gsub("[aeiou]", "")) <= 1 and in_order(w, c)
      and not (lw >= 4 and c:find(w:sub(2), 1, true)) then
    return 0.8
  end
  return 0
end

local function sorted_letters(w)
  local t = {}
  for c in w:gmatch(".") do t[#t + 1] = c end
  table.sort(t)
  return table.concat(t)
end

-- The word of `list` (a sorted array; `set` the same words as keys) that w is a typo of: one
-- edit away (two for words of 8+ letters), or — for short words — the same letters swapped
-- ("aera", "srot"). nil for words of the set, stop words, numbers, or no close word.
function M.correct(w, set, list)
  if #w < 4 or not w:match("^%a+$") or set[w] or M.stop[w] then return nil end
  local best, best_d
  local limit = #w >= 8 and 2 or (#w >= 5 and 1 or 0)
  local letters = sorted_letters(w)
  for _, c in ipairs(list) do
    -- (two slips in one word change its length by one at most: "meridian" is not "median")
    if math.abs(#c - #w) <= math.min(limit, 1) and c:sub(1, 1) == w:sub(1, 1) then
      local d = M.distance(w, c, limit)
      if d > limit and #c == #w and sorted_letters(c) == letters then d = limit end
      if d <= limit and (not best_d or d < best_d) then best, best_d = c, d end
    end
  end
  return best
end

-- Words people use for a value a table writes otherwise ("women" for Female, "kids" for Child).
M.value_synonyms = {
  { "female", "females", "woman", "women", "girl", "girls", "lady", "ladies", "f" },
  { "male", "males", "man", "men", "boy", "boys", "gentlemen", "m" },
  { "child", "children", "kid", "kids", "minor", "minors" },
  { "adult", "adults", "grownup", "grownups", "grown" },
}

-- Words of the same group as w (stemmed), as a set, for a list of groups.
local function synonym_index(groups)
  local index = {}
  for _, group in ipairs(groups) do
    for _, a in ipairs(group) do
      local sa = M.stem(a)
      index[sa] = index[sa] or {}
      for _, b in ipairs(group) do
        if b ~= a and M.stem(b) ~= sa then index[sa][M.stem(b)] = true end
      end
    end
  end
  return index
end
local syn_index, value_syn_index
function M.synonyms_of(w)
  syn_index = syn_index or synonym_index(M.synonyms)
  return syn_index[w] or {}
end
function M.value_synonyms_of(w)
  value_syn_index = value_syn_index or synonym_index(M.value_synonyms)
  return value_syn_index[w] or {}
end

-- Units by dimension, in their base unit (grams, millimetres, seconds).
M.units = {
  mg = { "mass", 0.001 }, g = { "mass", 1 }, gram = { "mass", 1 }, grams = { "mass", 1 }, kg = { "mass", 1000 },
  kgs = { "mass", 1000 }, kilo = { "mass", 1000 }, kilos = { "mass", 1000 }, kilogram = { "mass", 1000 },
  kilograms = { "mass", 1000 }, lb = { "mass", 453.592 }, lbs = { "mass", 453.592 }, pound = { "mass", 453.592 },
  pounds = { "mass", 453.592 }, t = { "mass", 1e6 }, ton = { "mass", 1e6 }, tons = { "mass", 1e6 },
  mm = { "length", 1 }, millimeter = { "length", 1 }, millimeters = { "length", 1 }, millimetre = { "length", 1 },
  cm = { "length", 10 }, centimeters = { "length", 10 }, m = { "length", 1000 }, meter = { "length", 1000 },
  meters = { "length", 1000 }, metre = { "length", 1000 }, km = { "length", 1e6 }, kms = { "length", 1e6 },
  kilometers = { "length", 1e6 },
  inch = { "length", 25.4 }, inches = { "length", 25.4 }, ft = { "length", 304.8 }, feet = { "length", 304.8 },
  mi = { "length", 1609344 }, miles = { "length", 1609344 },
  s = { "time", 1 }, sec = { "time", 1 }, secs = { "time", 1 }, second = { "time", 1 }, seconds = { "time", 1 },
  min = { "time", 60 }, mins = { "time", 60 }, minute = { "time", 60 }, minutes = { "time", 60 },
  h = { "time", 3600 }, hr = { "time", 3600 }, hrs = { "time", 3600 }, hour = { "time", 3600 },
  hours = { "time", 3600 }, day = { "time", 86400 }, days = { "time", 86400 }, week = { "time", 604800 },
  weeks = { "time", 604800 },
}
-- A column's unit from its name ("Body Mass (g)", "Running Time (min)", "Flipper Length (mm)"),
-- or from words that imply one ("Days to Ship" counts days, "Running Time" minutes).
M.unit_of_name_word = { days = "days", day = "days", minutes = "minutes", min = "minutes", hours = "hours",
  seconds = "seconds", time = "minutes", duration = "minutes", runtime = "minutes" }

-- The unit a profile column is measured in: from its name ("Body Mass (g)", "Running Time (min)"),
-- a name that is a unit ("kms"), or a word that implies one ("Days to Ship"), else nil.
function M.column_unit(c)
  if not c then return nil end
  local inside = c.name:match("%(([^)]+)%)")
  if inside and M.units[inside:lower()] then return inside:lower() end
  -- a name that is a unit ("kms", "miles")
  if #c.words == 1 and M.units[c.words[1]] and #c.words[1] >= 2 then return c.words[1] end
  for _, w in ipairs(c.words) do
    if M.unit_of_name_word[w] then return M.unit_of_name_word[w] end
  end
  return nil
end

-- Words that name a column's kind of quantity without its unit ("distance" is a length).
M.kind_words = { distance = "length", length = "length", height = "length", width = "length",
  depth = "length", altitude = "length", elevation = "length", weight = "mass", mass = "mass",
  duration = "time", runtime = "time" }

-- Whether request word w names the kind of quantity column c is measured in ("distance" for a
-- column called kms or "Length (mm)").
function M.names_kind(w, c)
  local kind = M.kind_words[w]
  local cu = kind and M.column_unit(c)
  return cu ~= nil and M.units[cu] ~= nil and M.units[cu][1] == kind
end

return M
