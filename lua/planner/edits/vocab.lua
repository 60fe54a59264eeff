-- The words follow-up edits are made of: the command words the rules read (a typo of one is
-- corrected to it), filler that carries no meaning in an edit, and the styling vocabulary that
-- marks a request about looks rather than data.
local lex = require "planner.lexicon"

local M = {}

-- A set of the words of a text: set [[only just keep]] → { only = true, … }.
function M.set(text)
  local s = {}
  for w in text:gmatch("%S+") do s[w] = true end
  return s
end
local set = M.set

-- Words with no content in an edit ("make it", "switch to", "now", "instead", "please").
M.filler = set [[make it its use using show showing change switch turn convert instead now please pls plz
  chart graph plot version one same but rather than try can you could would do view display into just
  me let lets let's again type style want like see give draw redraw render set put keep so then also
  too bit little more kind form ok okay hmm hm um yeah yes sure cool great thanks thank actually maybe
  perhaps instead rather go back let's i'd i'm need wanna gonna could should visualize visualise see
  looks look nicer better cleaner prettier simple simpler quite really very much way there here ones
  thing things stuff everything whole entire all the a an of for to in on at with possible nice
  wondering wonder kindly able be is are get have thx ty cheers pleas]]

-- Courtesy said around a request ("lighter colours pls", "by region thx"): never a column's name.
M.courtesy = set [[please pls plz pleas thanks thank thx ty cheers]]

-- Words after a column that pool its groups into one ("both sexes added together", "regions combined").
M.pooled = set [[combined together pooled merged summed aggregated added lumped]]

-- Words that compare amounts ("for more people", "where values are higher").
M.comparative = set [[more higher larger bigger greater most highest largest biggest fewer less lower smaller
  least lowest smallest]]

-- Styling words: a request made of these (and filler) is about looks.
M.styling = set [[font fonts bold italic size sizes bigger smaller larger big small tiny huge wider narrower
  taller shorter thicker thinner thick thin fine finer heavy fat width height spacing space margin margins
  padding border
  borders frame grid gridline gridlines gridlnes tick ticks label labels labelled labeled text texts
  legend legends color colors colour colours palette palettes scheme schemes gradient shade shades hue opacity
  transparent transparency
  opaque style styled stylish prettier nicer cleaner modern minimal fancy aesthetic aesthetics look looks
  readable legible clearer clear contrast background foreground axis axes symbol symbols marker markers
  dot dots point points shape shapes dash dashed dotted solid line lines stroke outline outlines rotate
  rotated angle angled degrees slanted tilted vertical horizontal extend stretch fit tighter looser
  rounded corners round square box boxes bars bar slices wedge wedges annotate annotation annotations
  emphasis highlight highlighted pop
  caption captions footnote footer watermark logo shadow shadows spine spines whitespace gap gaps gutter
  typeface serif sans monospace uppercase lowercase caps capitals capitalised capitalized wrap wrapped
  truncate truncated abbreviate abbreviated decimal decimals rounding separator separators commas
  smooth smoothed smoother curve curved curvy jitter jittered alpha faded fade muted brighter darker
  lighter softer bolder crisp sharper sharp blurry resolution dpi retina pixel pixels zoom zoomed crop
  cropped aspect ratio portrait landscape compact dense sparse busy cluttered clutter declutter tidy neat
  professional slide slides presentation poster publication elegant flat shading glossy dashes thickness
  placement positioned corner centre center centered centred align aligned alignment tooltip tooltips
  hover interactive animation animated animate icon icons emoji pattern patterns hatch hatched texture
  key keys gridded boxed underline underlined heading headings subtitle footnotes]]

-- Every word a rule reads, for typo correction. Lists elsewhere (chart words, aggregates) join in.
local COMMANDS = [[stacked stack stacking unstack unstacked grouped group groups grouping dodged
  horizontal horizontally vertical vertically sideways flip flipped swap swapped switch transpose
  rotate rotated sort sorted order ordered ordering ascending descending decreasing increasing
  alphabetical alphabetically reverse reversed largest smallest highest lowest biggest first last
  color colour colored coloured split separate separated seperate break breakdown segment segmented
  slice sliced divide divided facet faceted faceting panel panels multiples small trellis legend
  percent percentage percentages proportion proportions share shares normalize normalise normalized
  normalised relative fraction whole
  top bottom best worst only just exclude excluding except without remove drop hide filter filtered
  keep include including ignore missing null nulls blank empty since after before until between from
  through over under above below more less fewer greater longer shorter heavier lighter higher lower
  older newer larger
  average mean median total sum count minimum maximum instead
  daily weekly monthly quarterly yearly annual annually hourly day week month quarter year hour
  log logarithmic linear scale
  trend trendline regression fit
  title subtitle rename label labels labelled values numbers data
  theme dark light mode colorblind colourblind print grayscale greyscale monochrome minimal
  bigger smaller larger wider taller size font fonts text increase decrease
  undo revert previous back restore
  gridlines gridline grid markers marker symbols symbol points dots thicker thinner bolder heavier width
  bins bin buckets wider narrower fewer
  line lines bars bar scatter scatterplot histogram heatmap area pie donut doughnut boxplot
  chart charts graph graphs plot plots points instead rather degrees angle]]

M.command = set(COMMANDS)
for w in pairs(lex.chart) do M.command[w] = true end
for w in pairs(lex.aggregate) do M.command[w] = true end
M.command_list = {}
for w in pairs(M.command) do M.command_list[#M.command_list + 1] = w end
table.sort(M.command_list)

-- Ordinary words a typo corrector must leave alone (one letter from a command word).
M.english = set [[long last list lost most mode sales rates rate years dates data ones some same shows
  what whats where there their these those then than that this with from into over them they when
  will were have each made makes labs able table lower power tower bare bares bore sore sorts sure
  store score stars start state states stack's lined liner links line's topic topics total's
  grand grid's colt cold bold bolt gold starting started starts beginning begins onwards onward summer
  winter spring autumn fall actually actual basically really honestly literally definitely probably maybe
  anyway though perhaps rather quite pretty simply just totally usually overall paint painted]]

-- Words that start over: "scratch that", "new chart", "different question".
M.fresh = set [[scratch forget start over new different another fresh reset restart]]

return M
