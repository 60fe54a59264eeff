-- Print theme: black on white, high contrast, safe in greyscale. Colours
-- alternate dark and light so neighbours differ in lightness too, and every
-- series also gets its own dash, fill pattern and marker (layout.style), so
-- a photocopy still tells the series apart.
return {
  name = "print",
  background = "#ffffff",
  foreground = "#000000",
  muted = "#333333",
  grid = "#d9d9d9",
  axis = "#000000",
  font = "DejaVu Sans",
  font_sizes = { title = 18, subtitle = 13, axis_title = 12, tick = 11, legend = 11, label = 10, note = 10 },
  palette = {
    "#000000", "#8c8c8c", "#1f4e79", "#c55a11", "#404040", "#385723",
    "#bfbfbf", "#7030a0", "#c00000", "#2e75b6", "#ff77aa", "#bf9000",
  },
  sequential = { "#f2f2f2", "#bfbfbf", "#808080", "#404040", "#000000" },
  diverging = { "#000000", "#f2f2f2", "#7f7f7f" },
  padding = 16,
  number = { thousands = ",", decimal = ".", currency = "$" },
  line_width = 2,
  point_radius = 4,
  bar_radius = 0,
  grid_dash = { 1, 2 },
  dashes = { {}, { 6, 3 }, { 2, 2 }, { 8, 3, 2, 3 }, { 12, 4 }, { 1, 3 }, { 6, 2, 2, 2, 2, 2 },
    { 4, 4 }, { 10, 2, 2, 2 }, { 3, 5 }, { 14, 3, 3, 3 }, { 2, 6 } },
  patterns = { "none", "diagonal", "dots", "back", "horizontal", "cross", "vertical", "grid",
    "none", "dots", "diagonal", "back" },
  markers = { "circle", "square", "triangle", "diamond", "cross", "plus" },
}
