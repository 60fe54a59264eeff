-- The default theme: white background, dark text, a Tableau-10-like palette.
return {
  name = "light",
  background = "#ffffff",
  foreground = "#222222",
  muted = "#666666",
  grid = "#e6e6e6",
  axis = "#888888",
  font = "DejaVu Sans",
  font_sizes = { title = 18, subtitle = 13, axis_title = 12, tick = 11, legend = 11, label = 10, note = 10 },
  palette = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#005544", "#7766cc",
  },
  sequential = { "#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b" },
  diverging = { "#2166ac", "#f7f7f7", "#b2182b" },
  padding = 16,
  number = { thousands = ",", decimal = ".", currency = "$" },
  line_width = 2,
  point_radius = 3.5,
  bar_radius = 2,
  grid_dash = nil,
}
