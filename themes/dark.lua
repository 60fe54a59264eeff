-- Dark theme: near-black background, light text, brighter palette that keeps
-- contrast on the dark background.
return {
  name = "dark",
  background = "#1e1e24",
  foreground = "#e8e8ec",
  muted = "#a0a0ab",
  grid = "#34343d",
  axis = "#6c6c78",
  font = "DejaVu Sans",
  font_sizes = { title = 18, subtitle = 13, axis_title = 12, tick = 11, legend = 11, label = 10, note = 10 },
  palette = {
    "#6ea8fe", "#ffa94d", "#ff6b6b", "#63e6be", "#8ce99a", "#ffd43b",
    "#da77f2", "#ffa8c5", "#d0a77b", "#ced4da", "#778811", "#e599f7",
  },
  sequential = { "#2a3a5c", "#2f5e9e", "#3d8bd9", "#74b9f5", "#c6e4ff" },
  diverging = { "#4dabf7", "#3a3a44", "#ff6b6b" },
  padding = 16,
  number = { thousands = ",", decimal = ".", currency = "$" },
  line_width = 2,
  point_radius = 3.5,
  bar_radius = 2,
  grid_dash = { 3, 3 },
}
