-- chartd.fs: folder listings for the theme and chart registries.
local fs = require "chartd.fs"

describe("chartd.fs.list", function()
  local dir

  before_each(function()
    dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir " .. dir))
    for _, name in ipairs { "b.lua", "a.lua", ".hidden", "c.txt" } do
      local f = assert(io.open(dir .. "/" .. name, "w"))
      f:close()
    end
  end)

  after_each(function()
    os.execute("rm -rf " .. dir)
  end)

  it("lists the entries sorted, without dotfiles", function()
    assert.same({ "a.lua", "b.lua", "c.txt" }, fs.list(dir))
  end)

  it("lists a symlink only when it stays inside the folder", function()
    assert(os.execute("ln -s a.lua " .. dir .. "/inner.lua"))
    assert(os.execute("ln -s /etc/hostname " .. dir .. "/outer.lua"))
    assert(os.execute("ln -s ../" .. dir:match("[^/]+$") .. "/b.lua " .. dir .. "/roundabout.lua"))
    assert.same({ "a.lua", "b.lua", "c.txt", "inner.lua", "roundabout.lua" }, fs.list(dir))
  end)

  it("returns nil and a message naming the folder when it cannot be read", function()
    local list, err = fs.list(dir .. "/missing")
    assert.is_nil(list)
    assert.equal(dir .. "/missing: No such file or directory", err)
  end)

  it("raises when the folder is not a string", function()
    assert.has_error(function() fs.list({}) end, "bad argument #1 to 'list' (string expected, got table)")
  end)
end)
