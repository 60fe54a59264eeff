-- Colour-blind-safe theme: the Okabe–Ito palette (Okabe & Ito 2008), told
-- apart under protanopia, deuteranopia and tritanopia, extended to 12 with
-- four of Paul Tol's "muted" colours that stay apart from the first eight.
-- Sequential and diverging ramps are viridis-like and blue–orange (no red–green).
return {
  name = "colourblind",
  background = "#ffffff",
  foreground = "#1a1a1a",
  muted = "#595959",
  grid = "#e3e3e3",
  axis = "#8c8c8c",
  font = "DejaVu Sans",
  font_sizes = { title = 18, subtitle = 13, axis_title = 12, tick = 11, legend = 11, label = 10, note = 10 },
  palette = {
    "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00",
    "#cc79a7", "#000000", "#332288", "#882255", "#999933", "#aaaaaa",
  },
  sequential = { "#fde725", "#5ec962", "#21918c", "#3b528b", "#440154" },
  diverging = { "#0072b2", "#f7f7f7", "#e69f00" },
  padding = 16,
  number = { thousands = ",", decimal = ".", currency = "$" },
  line_width = 2,
  point_radius = 3.5,
  bar_radius = 2,
}
