-- Minimal theme: no grid lines, hairline light axes, soft text; the data
-- carries the chart. A muted, evenly bright palette of 12.
return {
  name = "minimal",
  background = "#ffffff",
  foreground = "#2b2b2b",
  muted = "#6e6e6e",
  grid = "#f0f0f0",
  axis = "#cfcfcf",
  font = "DejaVu Sans",
  font_sizes = { title = 17, subtitle = 12, axis_title = 11, tick = 10, legend = 10, label = 10, note = 10 },
  palette = {
    "#5778a4", "#e49444", "#d1615d", "#85b6b2", "#6a9f58", "#e7ca60",
    "#a87c9f", "#f1a2a9", "#967662", "#b8b0ac", "#2f4b7c", "#8c6d31",
  },
  sequential = { "#eef3f8", "#bcd0e6", "#7fa5cf", "#4a77ab", "#23446e" },
  diverging = { "#4a77ab", "#f5f5f5", "#d1615d" },
  padding = 16,
  number = { thousands = ",", decimal = ".", currency = "$" },
  line_width = 1.75,
  point_radius = 3,
  bar_radius = 0,
  show_grid = false,
}
