/* chartd.records: records.columns(values, max_columns, max_string_bytes) -> names, columns,
 * numeric, text | nil; records.of_columns (below) the way back, for a reply's echo (numeric[name]: every value a number; text[name]: every value a string). The fast path of lua/data/frame.lua's from_records for plain data.
 *
 * Turning 5,000 decoded JSON records into columns took ~1.4 ms in Lua, a quarter of drawing
 * a 5,000-point hexbin; here it is one pass of lua_next into pre-sized column tables. It
 * accepts only what the Lua code would keep exactly as sent: arrays of non-empty objects with
 * string keys whose values are finite numbers or strings (not empty, "NA" or "null", at most
 * max_string_bytes long). Anything else — a boolean, null, a nested value, a long string,
 * too many columns — returns nil, and the Lua code, which defines the rules and the error
 * messages, reads the data itself. So the two can differ in speed only. */
#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "iso_date.h"
#include "numcol.h"

int luaopen_chartd_records(lua_State *L);

/* Stack slots while building: the first CACHED columns met also sit in slots of their own
 * (CACHE..), found by their key's address, so that a record's value goes into its column
 * without looking the key up in COLUMNS (a short key is interned: equal keys share one
 * address; a long one only misses the cache). */
enum { CACHED = 8 };
enum { VALUES = 1, NAMES = 4, COLUMNS, NUMERIC, FRESH, CACHE, RECORD = CACHE + CACHED, KEY, VALUE, COLUMN };

static bool kept_as_sent(lua_State *L, int idx, size_t max_string, bool *is_number) {
  switch (lua_type(L, idx)) {
  case LUA_TNUMBER:
    *is_number = true;
    return lua_isinteger(L, idx) || isfinite(lua_tonumber(L, idx));
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    *is_number = false;
    return len > 0 && len <= max_string && !(len == 2 && memcmp(s, "NA", 2) == 0) &&
           !(len == 4 && memcmp(s, "null", 4) == 0);
  }
  default:
    return false;
  }
}

/* Byte order, as Lua compares strings in the C locale (the host never calls setlocale). */
static int key_cmp(lua_State *L, int a, int b) {
  size_t la, lb;
  const char *sa = lua_tolstring(L, a, &la), *sb = lua_tolstring(L, b, &lb);
  int c = memcmp(sa, sb, la < lb ? la : lb);
  return c != 0 ? c : (la > lb) - (la < lb);
}

/* A record's new keys (FRESH[1..n]) join NAMES sorted, as from_records does. */
static void append_sorted(lua_State *L, int n) {
  for (int i = 2; i <= n; i++) { /* insertion sort: a record rarely brings more than a few */
    lua_rawgeti(L, FRESH, i);
    int j = i - 1;
    for (; j >= 1; j--) {
      lua_rawgeti(L, FRESH, j);
      bool after = key_cmp(L, -1, -2) > 0;
      if (!after) {
        lua_pop(L, 1);
        break;
      }
      lua_rawseti(L, FRESH, j + 1);
    }
    lua_rawseti(L, FRESH, j + 1);
  }
  lua_Integer base = (lua_Integer)lua_rawlen(L, NAMES);
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, FRESH, i);
    lua_rawseti(L, NAMES, base + i);
  }
}

static int l_columns(lua_State *L) {
  luaL_checktype(L, VALUES, LUA_TTABLE);
  lua_Integer max_columns = luaL_checkinteger(L, 2);
  size_t max_string = (size_t)luaL_checkinteger(L, 3);
  lua_settop(L, 3);
  luaL_checkstack(L, COLUMN + 8, NULL); /* beyond the LUA_MINSTACK slots a C function has */
  lua_Integer n = (lua_Integer)lua_rawlen(L, VALUES);
  /* Columns of the first record get all n slots at once; later ones (often sparse) grow. */
  int presize = n < INT_MAX ? (int)n : 0;
  lua_newtable(L); /* NAMES */
  lua_newtable(L); /* COLUMNS: name -> values by row */
  lua_newtable(L); /* NUMERIC: name -> every value a number */
  lua_newtable(L); /* FRESH */
  for (int k = 0; k < CACHED; k++) lua_pushnil(L);
  const void *cached_key[CACHED];
  bool cached_text[CACHED]; /* NUMERIC[key] is false already */
  int ncached = 0;
  lua_Integer ncols = 0;
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_rawgeti(L, VALUES, i) != LUA_TTABLE) return 0; /* RECORD */
    if (lua_rawgeti(L, RECORD, 1) != LUA_TNIL) return 0;     /* an array, not an object */
    lua_pop(L, 1);
    int nfresh = 0;
    bool empty = true;
    lua_pushnil(L);
    while (lua_next(L, RECORD) != 0) { /* KEY, VALUE */
      bool is_number;
      empty = false;
      if (lua_type(L, KEY) != LUA_TSTRING || !kept_as_sent(L, VALUE, max_string, &is_number)) return 0;
      const void *key = lua_topointer(L, KEY);
      int c = 0;
      while (c < ncached && cached_key[c] != key) c++;
      if (c < ncached) {
        lua_pushvalue(L, VALUE);
        lua_rawseti(L, CACHE + c, i);
        if (!is_number && !cached_text[c]) {
          lua_pushvalue(L, KEY);
          lua_pushboolean(L, 0);
          lua_rawset(L, NUMERIC);
          cached_text[c] = true;
        }
        lua_settop(L, KEY);
        continue;
      }
      lua_pushvalue(L, KEY);
      if (lua_rawget(L, COLUMNS) != LUA_TTABLE) { /* COLUMN */
        lua_pop(L, 1);
        if (++ncols > max_columns) return 0;
        lua_createtable(L, presize, 0);
        lua_pushvalue(L, KEY);
        lua_pushvalue(L, COLUMN);
        lua_rawset(L, COLUMNS);
        lua_pushvalue(L, KEY);
        lua_pushboolean(L, 1);
        lua_rawset(L, NUMERIC);
        lua_pushvalue(L, KEY);
        lua_rawseti(L, FRESH, ++nfresh);
        if (ncached < CACHED) { /* a new column: NUMERIC[key] is true until a text below */
          lua_pushvalue(L, COLUMN);
          lua_replace(L, CACHE + ncached);
          cached_text[ncached] = !is_number;
          cached_key[ncached++] = key;
        }
      }
      lua_pushvalue(L, VALUE);
      lua_rawseti(L, COLUMN, i);
      if (!is_number) {
        lua_pushvalue(L, KEY);
        lua_pushboolean(L, 0);
        lua_rawset(L, NUMERIC);
      }
      lua_settop(L, KEY);
    }
    if (empty) return 0; /* {} or []: from_records tells them apart */
    if (nfresh > 0) append_sorted(L, nfresh);
    lua_settop(L, RECORD - 1);
    presize = 0;
  }
  lua_settop(L, NUMERIC);
  /* text: the columns that are not numbers only and hold no number (nil where a record lacks
   * the key), which from_records can then keep as they are, unconverted. A column of numbers
   * only (which from_records keeps as it is) gets its doubles beside it (numcol.h, NaN where a
   * record lacks the key), as a parsed CSV column has: chartd.columns' passes over it (scan,
   * affine, moments, group, ...) then read memory instead of the Lua API. */
  lua_newtable(L);
  for (lua_Integer j = 1; j <= ncols; j++) {
    lua_rawgeti(L, NAMES, j); /* name */
    lua_pushvalue(L, -1);
    bool numbers = lua_rawget(L, NUMERIC) == LUA_TBOOLEAN && lua_toboolean(L, -1), text = !numbers;
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_rawget(L, COLUMNS); /* name, column */
    for (lua_Integer i = 1; text && i <= n; i++) {
      text = lua_rawgeti(L, -1, i) != LUA_TNUMBER;
      lua_pop(L, 1);
    }
    if (numbers && n > 0) {
      double *d = numcol_attach(L, -1, (size_t)n);
      for (lua_Integer i = 1; i <= n; i++) {
        int isnum = 0;
        lua_rawgeti(L, -1, i);
        double v = lua_tonumberx(L, -1, &isnum);
        d[i - 1] = isnum ? v : NAN;
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
    lua_pushboolean(L, text);
    lua_rawset(L, -3);
  }
  return 4;
}

/* records.rows(rows, ncols, max_string_bytes) -> columns, numeric | nil
 * The fast path of from_rows (data as {"columns": [...], "rows": [[...], ...]}) once the
 * names are checked: columns[j][i] = rows[i][j] as from_rows keeps it — finite numbers and
 * text as sent, booleans as "true"/"false", missing ("", "NA", "null", JSON null, a short
 * row) nil — and numeric[j] when column j holds numbers only (and some). nil for anything
 * from_rows would name in an error (a row that is not an array or is longer than ncols, a
 * nested value, NaN, text longer than max_string_bytes): the Lua code then reads the rows. */
static int l_rows(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer ncols = luaL_checkinteger(L, 2);
  size_t max_string = (size_t)luaL_checkinteger(L, 3);
  if (ncols < 1 || ncols > 100000) return luaL_argerror(L, 2, "column count out of range");
  lua_settop(L, 3);
  lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
  int presize = n < INT_MAX ? (int)n : 0;
  lua_createtable(L, (int)ncols, 0); /* 4: columns */
  lua_createtable(L, (int)ncols, 0); /* 5: numeric */
  for (lua_Integer j = 1; j <= ncols; j++) {
    lua_createtable(L, presize, 0);
    lua_rawseti(L, 4, j);
    lua_pushboolean(L, 0);
    lua_rawseti(L, 5, j); /* "some number seen" until a text says otherwise */
  }
  unsigned char *text = lua_newuserdatauv(L, (size_t)ncols, 0); /* 6: column j holds text */
  memset(text, 0, (size_t)ncols);
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_rawgeti(L, 1, i) != LUA_TTABLE) return 0; /* 7: the row */
    lua_Integer width = (lua_Integer)lua_rawlen(L, 7);
    if (width > ncols) return 0;
    for (lua_Integer j = 1; j <= width; j++) {
      int t = lua_rawgeti(L, 7, j); /* 8 */
      if (t == LUA_TNUMBER) {
        if (!lua_isinteger(L, 8) && !isfinite(lua_tonumber(L, 8))) return 0;
        lua_pushboolean(L, 1);
        lua_rawseti(L, 5, j);
      } else if (t == LUA_TSTRING) {
        size_t len;
        const char *v = lua_tolstring(L, 8, &len);
        if (len == 0 || (len == 2 && memcmp(v, "NA", 2) == 0) || (len == 4 && memcmp(v, "null", 4) == 0)) t = LUA_TNIL;
        else if (len > max_string) return 0;
        else text[j - 1] = 1;
      } else if (t == LUA_TBOOLEAN) {
        lua_pushstring(L, lua_toboolean(L, 8) ? "true" : "false");
        lua_replace(L, 8);
        text[j - 1] = 1;
      } else if (t == LUA_TLIGHTUSERDATA && lua_touserdata(L, 8) == NULL) { /* JSON null */
        t = LUA_TNIL;
      } else if (t != LUA_TNIL) {
        return 0;
      }
      if (t != LUA_TNIL) {
        lua_rawgeti(L, 4, j);
        lua_insert(L, 8);
        lua_rawseti(L, 8, i);
      }
      lua_settop(L, 7);
    }
    lua_settop(L, 6);
  }
  for (lua_Integer j = 1; j <= ncols; j++) {
    if (!text[j - 1]) continue;
    lua_pushboolean(L, 0);
    lua_rawseti(L, 5, j);
  }
  lua_settop(L, 5);
  return 2;
}

/* records.of_columns(columns, names, grains, n) -> records | nil
 * The other way, frame.lua's to_records (the data a reply echoes): records[i] = {[names[j]] =
 * columns[j][i]} for rows 1..n, missing cells left out, and where grains[j] is a grain (a
 * temporal column) the cell's epoch seconds as format_date writes them (iso_date_format). A
 * table and a string a row from Lua cost ~15,000 instructions a row of a two-column time series,
 * most of them in string.format; here ~1,000. nil when a date cell is not a number
 * iso_date_format writes (a string, NaN, beyond ±1e13 s): the Lua code formats (or refuses) it. */
static enum iso_grain grain_named(lua_State *L, int idx) {
  const char *g = lua_tostring(L, idx);
  if (strcmp(g, "year") == 0) return ISO_YEAR;
  if (strcmp(g, "quarter") == 0) return ISO_QUARTER;
  if (strcmp(g, "month") == 0) return ISO_MONTH;
  if (strcmp(g, "day") == 0) return ISO_DAY;
  return ISO_DATETIME; /* format_date: any other grain is a full time */
}

static int l_of_columns(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 4);
  lua_Integer ncols = (lua_Integer)lua_rawlen(L, 2);
  if (n < 0 || n >= INT_MAX || ncols > 100000) return luaL_argerror(L, 4, "size out of range");
  lua_settop(L, 4);
  luaL_checkstack(L, (int)(3 * ncols + 8), "too many columns");
  /* slots 5.. : per column its array, its name and its grain (0: not a date) */
  enum iso_grain *grain = lua_newuserdatauv(L, (size_t)(ncols > 0 ? ncols : 1) * sizeof *grain, 0); /* 5 */
  const int base = 6;
  for (lua_Integer j = 1; j <= ncols; j++) {
    lua_rawgeti(L, 1, j);
    lua_rawgeti(L, 2, j);
    grain[j - 1] = lua_rawgeti(L, 3, j) == LUA_TSTRING ? grain_named(L, -1) : 0;
    lua_pop(L, 1);
  }
  const int out = base + 2 * (int)ncols;
  lua_createtable(L, (int)n, 0);
  char text[ISO_DATE_TEXT];
  iso_civil memo = ISO_CIVIL_NONE; /* a column of times repeats its day: the last one's date */
  for (lua_Integer i = 1; i <= n; i++) {
    lua_createtable(L, 0, (int)ncols);
    for (lua_Integer j = 0; j < ncols; j++) {
      int col = base + 2 * (int)j;
      lua_pushvalue(L, col + 1);
      int t = lua_geti(L, col, i); /* lua_geti: a lazy column (numcol.h) answers through __index */
      if (t == LUA_TNIL) {
        lua_pop(L, 2);
        continue;
      }
      if (grain[j]) {
        size_t len = t == LUA_TNUMBER ? iso_date_format(lua_tonumber(L, -1), grain[j], &memo, text) : 0;
        if (len == 0) return 0;
        lua_pop(L, 1);
        lua_pushlstring(L, text, len);
      }
      lua_rawset(L, -3);
    }
    lua_rawseti(L, out, i);
  }
  return 1;
}

int luaopen_chartd_records(lua_State *L) {
  static const luaL_Reg fns[] = {{"columns", l_columns}, {"rows", l_rows}, {"of_columns", l_of_columns}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
