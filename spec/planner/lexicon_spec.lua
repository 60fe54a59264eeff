-- Word handling shared by the planner: stemming, edit distance, fuzzy word matches.
local lex = require "planner.lexicon"
local profile = require "planner.profile"

describe("planner.lexicon", function()
  it("stems plurals and verb endings idempotently", function()
    for w, want in pairs { countries = "country", weights = "weight", ratings = "rating", rating = "rating",
      shipping = "ship", colored = "color", classes = "class", status = "status", analysis = "analysis",
      ["car's"] = "car" } do
      assert.equal(want, lex.stem(w))
      assert.equal(want, lex.stem(lex.stem(w)))
    end
  end)

  it("measures distance with transpositions", function()
    assert.equal(1, lex.distance("horespower", "horsepower", 2))
    assert.equal(2, lex.distance("cyclinder", "cylindre", 2))
    assert.equal(3, lex.distance("abcdef", "uvwxyz", 2))   -- gives up past the limit
  end)

  it("scores typos, clipped words and short transpositions, and refuses short guesses", function()
    assert.equal(1, lex.word_match("weight", "weight"))
    assert.equal(0.9, lex.word_match("wight", "weight"))
    assert.equal(0.9, lex.word_match("mgp", "mpg"))
    assert.equal(0.8, lex.word_match("horse", "horsepower"))
    assert.equal(0.7, lex.word_match("accel", "acceleration")) -- a clip of a long word, read less surely
    assert.equal(0, lex.word_match("acc", "acceleration"))     -- too little of the word
    assert.equal(0.75, lex.word_match("originate", "origin"))
    assert.equal(0, lex.word_match("near", "year"))
    assert.equal(0, lex.word_match("car", "category"))
  end)
end)

describe("planner.profile", function()
  it("splits column names into words", function()
    assert.same({ "production", "budget" }, profile.name_words("Production Budget"))
    assert.same({ "sub", "category" }, profile.name_words("Sub-Category"))
    assert.same({ "release", "year" }, profile.name_words("releaseYear"))
    assert.same({ "mpg" }, profile.name_words("MPG"))
  end)

  it("tells time, measures, categories, identifiers and constants apart", function()
    local frame = require "data.frame"
    local rows = { "Name,Year,Score,Level,Kind,Country" }
    for i = 1, 30 do
      rows[#rows + 1] = ("item %d,%d,%d.5,%d,%s,%s"):format(i, 2000 + i % 5, i, i % 4, i % 2 == 0 and "a" or "b",
        i % 3 == 0 and "Japan" or "USA")
    end
    local df = assert(frame.from_data(table.concat(rows, "\n"), "data"))
    local p = profile.profile(df)
    local roles = {}
    for _, c in ipairs(p.columns) do roles[c.name] = c.role end
    assert.same({ Name = "id", Year = "time", Score = "measure", Level = "measure", Kind = "category",
      Country = "category" }, roles)
    assert.is_true(p.by_name.Level.discrete)
    assert.is_true(p.by_name.Country.place)
    assert.is_false(p.by_name.Kind.place)
  end)
end)
