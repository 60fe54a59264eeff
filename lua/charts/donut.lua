-- Donut chart: the pie chart with a hole that shows the total (pie.variant).
return require("charts.pie").variant {
  name = "donut",
  mark = "slice", -- the role of its marks in the scene
  inner = 0.58,
  sample = {
    type = "donut",
    title = "Household budget",
    subtitle = "Monthly spending, EUR",
    data = { values = {
      { category = "Housing", amount = 1250 }, { category = "Food", amount = 540 },
      { category = "Transport", amount = 310 }, { category = "Utilities", amount = 220 },
      { category = "Leisure", amount = 180 }, { category = "Savings", amount = 400 },
    } },
    encoding = {
      theta = { field = "amount", type = "quantitative", title = "Amount (EUR)" },
      color = { field = "category", type = "nominal", title = "Category" },
    },
  },
}
