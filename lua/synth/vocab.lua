-- What synthesized numbers and categories look like: measure profiles chosen by the
-- words of a field name, and default category lists chosen by a grouping noun.
local M = {}

-- A profile: base = typical value (per month for flows), sd = relative spread (log-space for
-- skewed ones), lo/hi = hard range, flow = the value accumulates over time (scales with the
-- period length), additive = seasonality and noise are added (temperatures, rates) rather
-- than multiplied, integer = whole numbers, skewed = right-skewed (log-normal) samples.
local P = {
  money = { base = 120000, sd = 0.45, lo = 0, flow = true, skewed = true },
  price = { base = 45, sd = 0.5, lo = 0.5, skewed = true },
  salary = { base = 62000, sd = 0.35, lo = 15000, skewed = true },
  count = { base = 4800, sd = 0.5, lo = 0, flow = true, integer = true, skewed = true },
  percent = { base = 42, sd = 0.25, lo = 0, hi = 100, additive = true },
  temperature = { base = 14, sd = 0.5, lo = -30, hi = 45, additive = true, season = 9 },
  score = { base = 72, sd = 0.15, lo = 0, hi = 100, additive = true },
  rating = { base = 3.9, sd = 0.12, lo = 1, hi = 5, additive = true },
  duration = { base = 32, sd = 0.6, lo = 0.1, skewed = true },
  latency = { base = 120, sd = 0.6, lo = 1, skewed = true },
  age = { base = 38, sd = 0.3, lo = 0, hi = 100, integer = true },
  height = { base = 170, sd = 0.06, lo = 120, hi = 220 },
  weight = { base = 72, sd = 0.18, lo = 35, hi = 180 },
  generic = { base = 100, sd = 0.35, lo = 0 },
}
M.profiles = P

local WORDS = {
  revenue = "money", revenues = "money", sales = "money", profit = "money", profits = "money",
  income = "money", cost = "money", costs = "money", spend = "money", spending = "money",
  expense = "money", expenses = "money", earnings = "money", turnover = "money", gmv = "money",
  bookings = "money", donations = "money", budget = "money", arr = "money", mrr = "money",
  payments = "money", funding = "money", investment = "money",
  price = "price", prices = "price", fare = "price", fares = "price", fee = "price", fees = "price",
  salary = "salary", salaries = "salary", wage = "salary", wages = "salary", pay = "salary",
  users = "count", visitors = "count", visits = "count", customers = "count", orders = "count",
  downloads = "count", signups = "count", sessions = "count", tickets = "count", installs = "count",
  clicks = "count", views = "count", pageviews = "count", transactions = "count", purchases = "count",
  subscribers = "count", followers = "count", employees = "count", students = "count",
  patients = "count", cases = "count", calls = "count", emails = "count", shipments = "count",
  units = "count", items = "count", leads = "count", deals = "count", count = "count",
  deliveries = "count", registrations = "count", impressions = "count", requests = "count",
  rate = "percent", percent = "percent", percentage = "percent", share = "percent", ratio = "percent",
  margin = "percent", conversion = "percent", churn = "percent", retention = "percent",
  utilization = "percent", occupancy = "percent", uptime = "percent", accuracy = "percent",
  temperature = "temperature", temp = "temperature", temperatures = "temperature",
  score = "score", scores = "score", grade = "score", grades = "score", satisfaction = "score",
  nps = "score", rating = "rating", ratings = "rating", stars = "rating",
  duration = "duration", time = "duration", minutes = "duration", wait = "duration", delay = "duration",
  hours = "duration", latency = "latency", response = "latency",
  age = "age", ages = "age", height = "height", weight = "weight",
}

-- The profile for a field name: its first word with a profile wins ("active users" → count,
-- "conversion rate" → percent because "rate" is the more specific, later word).
function M.profile(name)
  local found
  for w in tostring(name or ""):lower():gmatch("%a+") do
    if WORDS[w] then found = WORDS[w] end
  end
  return P[found or "generic"], found or "generic"
end

-- Default categories for a grouping noun when the request names none.
local CATEGORIES = {
  region = { "North America", "Europe", "Asia Pacific", "Latin America", "Middle East" },
  country = { "United States", "Germany", "Japan", "Brazil", "India", "France" },
  city = { "New York", "London", "Tokyo", "Paris", "Berlin", "Sydney" },
  product = { "Starter", "Standard", "Pro", "Enterprise", "Add-ons" },
  category = { "Electronics", "Home", "Apparel", "Sports", "Books" },
  department = { "Engineering", "Sales", "Marketing", "Support", "Finance" },
  team = { "Platform", "Mobile", "Web", "Data", "Design" },
  channel = { "Organic search", "Paid search", "Email", "Social", "Referral" },
  source = { "Organic search", "Paid search", "Email", "Social", "Referral" },
  browser = { "Chrome", "Safari", "Edge", "Firefox", "Other" },
  device = { "Desktop", "Mobile", "Tablet" },
  platform = { "iOS", "Android", "Web" },
  segment = { "Consumer", "Small business", "Mid-market", "Enterprise" },
  store = { "Downtown", "Airport", "Mall", "Station", "Online" },
  language = { "Python", "JavaScript", "Java", "Go", "Rust" },
  genre = { "Drama", "Comedy", "Action", "Documentary", "Horror" },
  plan = { "Free", "Basic", "Premium", "Business" },
  gender = { "Female", "Male", "Other" },
  day = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" },
  weekday = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" },
}
CATEGORIES.regions, CATEGORIES.countries, CATEGORIES.products = CATEGORIES.region, CATEGORIES.country,
  CATEGORIES.product
CATEGORIES.categories, CATEGORIES.departments, CATEGORIES.teams = CATEGORIES.category,
  CATEGORIES.department, CATEGORIES.team
CATEGORIES.channels, CATEGORIES.devices, CATEGORIES.segments = CATEGORIES.channel, CATEGORIES.device,
  CATEGORIES.segment

-- n categories for a field: the list for its last known word, else "<Name> A", "<Name> B"...
function M.categories(name, n)
  local list
  for w in tostring(name or ""):lower():gmatch("%a+") do
    if CATEGORIES[w] then list = CATEGORIES[w] end
  end
  local out = {}
  if list then
    for i = 1, math.min(n or #list, #list) do out[i] = list[i] end
    return out
  end
  local label = tostring(name or "group"):gsub("^%l", string.upper)
  for i = 1, n or 5 do out[i] = label .. " " .. string.char(64 + i) end
  return out
end

return M
