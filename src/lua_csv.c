/* chartd.csv: csv.parse(text [, {separator=","}]) -> array of rows (arrays of strings);
 * csv.columns(text, max_rows, max_columns, max_string) -> the columns data/frame.lua builds. */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "iso_date.h"
#include "numcol.h"

int luaopen_chartd_csv(lua_State *L);

/* Stack during parsing: [text, opts, scratch, rows, current_row]. A Lua memory error in a
 * callback longjmps out of csv.c, so the unescaping scratch is a userdata the GC owns. */
typedef struct build {
  lua_State *L;
  lua_Integer nrows, nfields;
} build;

static int on_field(void *ud, const char *data, size_t len) {
  build *b = ud;
  if (b->nfields == 0) lua_newtable(b->L);
  lua_pushlstring(b->L, data, len);
  lua_rawseti(b->L, -2, ++b->nfields);
  return 0;
}

static int on_row_end(void *ud) {
  build *b = ud;
  if (b->nfields == 0) lua_newtable(b->L);
  lua_rawseti(b->L, -2, ++b->nrows);
  b->nfields = 0;
  return 0;
}

static int l_parse(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  char sep = ',';
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    if (lua_getfield(L, 2, "separator") != LUA_TNIL) {
      size_t slen;
      const char *s = lua_tolstring(L, -1, &slen);
      if (s == NULL || slen != 1 || s[0] == '"' || s[0] == '\n' || s[0] == '\r')
        return luaL_argerror(L, 2, "separator must be a single character other than a quote or line ending");
      sep = s[0];
    }
    lua_pop(L, 1);
  }
  char err[128];
  char *scratch = lua_newuserdatauv(L, len > 0 ? len : 1, 0);
  lua_newtable(L);
  build b = {L, 0, 0};
  csv_callbacks cb = {on_field, on_row_end, &b, NULL};
  if (csv_parse_scratch(text, len, sep, &cb, scratch, err, sizeof err) != 0) {
    luaL_pushfail(L);
    lua_pushstring(L, err);
    return 2;
  }
  return 1;
}

/* ---- csv.columns ---------------------------------------------------------------------
 *
 * csv.columns(text, max_rows, max_columns, max_string) -> names, columns, n, numeric, dates, grains
 *                                                      | false, n (more than max_rows rows)
 *                                                      | nil (anything else)
 * The fast path of data/frame.lua's from_csv: the header row names the columns (names[j]),
 * columns[name][i] is row i's cell — a number when every cell of the column is a number by
 * frame.lua's rule (csv_number; numeric[name] is then true), else the cell's text — missing
 * cells ("", "NA", "null", short rows) nil, blank lines at the end dropped. A column whose
 * every cell is an ISO 8601 date or time iso_date.h reads (as frame.lua's parse_date would)
 * keeps its text in columns[name] and has its times in dates[name] (epoch seconds, integers
 * where whole) and their finest grain in grains[name] ("month", "day", "datetime"). No table
 * per row: a million rows cost the column arrays; past LAZY_ROWS not even a Lua value per
 * cell (numcol.h); the texts of a date column are slices of `text` until read. It declines
 * (nil) whatever frame.lua would refuse or name in an error — an unreadable CSV, a row longer
 * than the header, a duplicate or empty column name, a cell longer than max_string bytes, too
 * many columns — and the Lua code, which defines the rules and the messages, reads the text
 * itself.
 *
 * Pass 1 parses into C arrays (a kind and a number per cell). Columns holding text need their
 * strings, which pass 2 pushes; an all-numeric CSV is parsed once. The C arrays belong to a
 * userdata (its __gc frees them), so a Lua error in pass 2 leaks nothing. */

enum { CELL_MISSING, CELL_INT, CELL_FLOAT, CELL_TEXT };

typedef struct column {
  unsigned char *kind;
  union {
    long long i;
    double d;
  } *num;       /* a number, or a date's time (CELL_INT: whole seconds, CELL_FLOAT: with a fraction) */
  uint32_t *at; /* a date column's cells: offset into the text and length (2 a row), or NULL */
  unsigned char *whole; /* simple_rows' numbers: a bit a row, set where the cell is an integer */
  int text, any; /* a cell is text; a cell is present */
  int numbers, dates, quoted; /* a cell is a number; a date; a date cell was quoted (not in the text) */
  int fill;                   /* pass 2 pushes the column's texts */
  int usual; /* simple_rows read every cell as the usual number or a date (none missing, |ints| <
              * 1e15): num holds them all as doubles (.d, a date's time), `whole` says which were
              * integers; a number column's kind is unused */
  enum iso_grain grain;       /* the finest of the dates */
  iso_day day;                /* the day its last date cell read */
  size_t date_len;            /* the length of its last date cell (simple_rows) */
  char *name;
  size_t name_len;
} column;

typedef struct scan {
  column *cols;
  int ncols, max_columns;
  size_t rows, cap, field; /* data rows so far, their capacity, field of the current row */
  size_t blank_tail;       /* data rows at the end that are one empty field */
  size_t max_rows, max_string, keep;
  int header_done, declined, row_blank;
  const char *text; /* the CSV text (a date cell's offset is from here) */
  size_t len;
  const char *field_end, *rows_start; /* where the last field read in the text ends; the header's end */
} scan;

static int scan_gc(lua_State *L) {
  scan *s = lua_touserdata(L, 1);
  for (int j = 0; j < s->ncols; j++) {
    free(s->cols[j].kind);
    free(s->cols[j].num);
    free(s->cols[j].at);
    free(s->cols[j].whole);
    free(s->cols[j].name);
  }
  free(s->cols);
  s->cols = NULL;
  s->ncols = 0;
  return 0;
}

static int grow(scan *s, size_t need) {
  if (need <= s->cap) return 0;
  size_t cap = s->cap ? s->cap * 2 : 1024;
  while (cap < need) cap *= 2;
  for (int j = 0; j < s->ncols; j++) {
    column *c = &s->cols[j];
    unsigned char *k = realloc(c->kind, cap);
    if (k == NULL) return -1;
    c->kind = k;
    memset(k + s->cap, CELL_MISSING, cap - s->cap);
    void *n = realloc(c->num, cap * sizeof *c->num);
    if (n == NULL) return -1;
    c->num = n;
    unsigned char *w = realloc(c->whole, cap / 8 + 1);
    if (w == NULL) return -1;
    c->whole = w;
    memset(w + (s->cap ? s->cap / 8 + 1 : 0), 0, cap / 8 + 1 - (s->cap ? s->cap / 8 + 1 : 0));
    if (c->at) {
      uint32_t *at = realloc(c->at, cap * 2 * sizeof *at);
      if (at == NULL) return -1;
      c->at = at;
    }
  }
  s->cap = cap;
  return 0;
}

static int missing_token(const char *d, size_t len) {
  return len == 0 || (len == 2 && memcmp(d, "NA", 2) == 0) || (len == 4 && memcmp(d, "null", 4) == 0);
}

/* Row s->rows of column c, a cell csv_number read as `kind` (0: not a number, so text). */
static void put_cell(scan *s, column *c, int kind, long long iv, double dv) {
  if (kind != 0 && c->dates) kind = 0; /* numbers beside dates: the Lua code decides */
  if (kind != 0) c->numbers = 1;
  if (kind == 1) {
    c->kind[s->rows] = CELL_INT;
    c->num[s->rows].i = iv;
  } else if (kind == 2) {
    c->kind[s->rows] = CELL_FLOAT;
    c->num[s->rows].d = dv;
  } else {
    c->kind[s->rows] = CELL_TEXT;
    c->text = 1;
  }
}

/* A cell that is not a number: row s->rows of column c is a date when iso_date_parse reads it
 * and the column has no numbers, else text. Returns non-zero when out of memory. */
static int put_date(scan *s, column *c, const char *data, size_t len, long long secs, double frac,
                    enum iso_grain grain);

static int put_text_or_date(scan *s, column *c, const char *data, size_t len) {
  long long secs;
  double frac;
  enum iso_grain grain;
  if (c->numbers || len < 7 || data[0] < '0' || data[0] > '9' ||
      !iso_date_memo(data, len, &secs, &frac, &grain, &c->day)) {
    put_cell(s, c, 0, 0, 0);
    return 0;
  }
  return put_date(s, c, data, len, secs, frac, grain);
}

/* Row s->rows of column c, a date iso_date_memo read in data (secs, frac, grain). Returns
 * non-zero when out of memory. */
static int put_date(scan *s, column *c, const char *data, size_t len, long long secs, double frac,
                    enum iso_grain grain) {
  if (c->at == NULL && (c->at = malloc(s->cap * 2 * sizeof *c->at)) == NULL) return -1;
  c->dates = 1;
  if (grain > c->grain) c->grain = grain;
  if (data >= s->text && data + len <= s->text + s->len && s->len <= UINT32_MAX) {
    c->at[2 * s->rows] = (uint32_t)(data - s->text);
    c->at[2 * s->rows + 1] = (uint32_t)len;
  } else {
    c->quoted = 1; /* unescaped into scratch: its text is pushed from a second pass */
  }
  if (frac != 0) {
    c->kind[s->rows] = CELL_FLOAT;
    c->num[s->rows].d = (double)secs + frac;
  } else {
    c->kind[s->rows] = CELL_INT;
    c->num[s->rows].i = secs;
  }
  return 0;
}

/* Notes where a field read from the text (not unescaped elsewhere) ends: sizing needs it. */
static void note_end(scan *s, const char *data, size_t len) {
  if (data >= s->text && data + len <= s->text + s->len) s->field_end = data + len;
}

static int scan_field(void *ud, const char *data, size_t len) {
  scan *s = ud;
  note_end(s, data, len);
  if (!s->header_done) {
    if (s->ncols >= s->max_columns || len == 0) return s->declined = 1;
    column *c = &s->cols[s->ncols++];
    memset(c, 0, sizeof *c);
    if ((c->name = malloc(len)) == NULL) return s->declined = 1;
    memcpy(c->name, data, len);
    c->name_len = len;
    return 0;
  }
  size_t j = s->field++;
  if (j >= (size_t)s->ncols) return s->declined = 1; /* longer than the header: frame.lua says so */
  s->row_blank = j == 0 && len == 0;
  if (s->rows >= s->keep) return 0; /* past the limit: rows are only counted */
  column *c = &s->cols[j];
  if (missing_token(data, len)) return 0;
  if (len > s->max_string) return s->declined = 1;
  c->any = 1;
  if (c->text) {
    c->kind[s->rows] = CELL_TEXT;
    return 0;
  }
  long long iv = 0;
  double dv = 0;
  /* a column of dates so far: try a date first (an ISO date is never a number) */
  int kind = c->dates ? 0 : csv_number(data, len, &iv, &dv);
  if (kind == 0) return put_text_or_date(s, c, data, len) != 0 ? (s->declined = 1) : 0;
  put_cell(s, c, kind, iv, dv);
  return 0;
}

/* A field csv.c read as the usual number on the way (csv.h): scan_field's work, the number
 * already parsed. */
static int scan_number(void *ud, const char *data, size_t len, int kind, long long iv, double dv) {
  scan *s = ud;
  if (!s->header_done) return scan_field(ud, data, len);
  s->field_end = data + len; /* a number is read in the text */
  size_t j = s->field++;
  if (j >= (size_t)s->ncols) return s->declined = 1;
  s->row_blank = 0;
  if (s->rows >= s->keep) return 0;
  if (len > s->max_string) return s->declined = 1;
  column *c = &s->cols[j];
  c->any = 1;
  if (c->text) c->kind[s->rows] = CELL_TEXT;
  else put_cell(s, c, kind, iv, dv);
  return 0;
}

static int scan_row_end(void *ud) {
  scan *s = ud;
  if (!s->header_done) {
    for (int j = 0; j < s->ncols; j++) /* a duplicate name: frame.lua names it */
      for (int k = 0; k < j; k++)
        if (s->cols[j].name_len == s->cols[k].name_len && memcmp(s->cols[j].name, s->cols[k].name, s->cols[j].name_len) == 0)
          return s->declined = 1;
    s->header_done = 1;
    s->rows_start = s->field_end;
    return grow(s, 1024) != 0 ? (s->declined = 1) : 0;
  }
  if (s->rows == 0 && s->rows_start && s->field_end > s->rows_start) {
    /* the first row's length sizes the columns for the rest of the text (a little over it, so
     * rows a little shorter need no second allocation; doubling takes over when they are longer) */
    size_t row = (size_t)(s->field_end - s->rows_start), rest = (size_t)(s->text + s->len - s->field_end);
    size_t rows = rest / row + rest / row / 8 + 16;
    if (grow(s, rows < s->keep ? rows : s->keep) != 0) return s->declined = 1;
  }
  s->blank_tail = (s->field <= 1 && (s->field == 0 || s->row_blank)) ? s->blank_tail + 1 : 0;
  s->field = 0;
  s->row_blank = 0;
  s->rows++;
  if (s->rows < s->keep && s->rows + 1 > s->cap && grow(s, s->rows + 1) != 0) return s->declined = 1;
  return 0;
}

/* The road most large CSVs take: a header of plain names, then rows of exactly as many cells,
 * each the usual number (csv_usual_number, the rule the parser's number callback applies) or,
 * in a column whose first row holds one, an ISO date or time (iso_date_memo, the general
 * scan's own rule), ending LF or CRLF — read in one loop into the columns the general scan
 * fills, without a callback a cell. Returns 1 when the whole text is that shape (the columns
 * are read), 0 at the first thing it is not — a quote, a missing or text cell, a short or long
 * row, a blank line, a BOM, more than max_rows rows — after which the caller resets the scan
 * and the general one reads the text from its start: this road decides nothing the general one
 * would decide otherwise, and costs little before the first unusual byte. */
static int simple_rows(scan *s) {
  const char *text = s->text;
  size_t len = s->len, i = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) return 0;
  while (!s->header_done) { /* the header through the general scan's own rules (names, limits) */
    size_t start = i;
    while (i < len && text[i] != ',' && text[i] != '\n' && text[i] != '\r' && text[i] != '"') i++;
    if (i >= len || (text[i] != ',' && text[i] != '\n' && !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')))
      return 0;
    if (scan_field(s, text + start, i - start) != 0) return 0;
    if (text[i] == ',') i++;
    else {
      i += text[i] == '\r' ? 2 : 1;
      if (scan_row_end(s) != 0) return 0;
    }
  }
  int ncols = s->ncols;
  if ((size_t)17 > s->max_string) return 0; /* a usual number is at most 17 bytes */
  while (i < len) {
    if (s->rows >= s->max_rows) return 0;
    for (int j = 0; j < ncols; j++) {
      int kind = 0;
      long long iv = 0;
      double dv = 0;
      column *c = &s->cols[j];
      size_t k = c->dates ? 0 : csv_usual_number_z(text, i, len, ',', &kind, &iv, &dv); /* a Lua string */
      if (k == 0) { /* an ISO date, in a column whose first row was one */
        if (s->rows > 0 && !c->dates) return 0;
        /* Most date columns write every date at one length: where the cell would end at the last
         * date's length, a date read there is the whole cell (a date holds no separator, quote
         * or line ending); else the cell is scanned for its end. */
        size_t end = i + c->date_len;
        long long secs;
        double frac;
        enum iso_grain grain;
        int whole_cell = c->date_len > 0 && end <= len &&
                         (end == len || text[end] == ',' || text[end] == '\n' ||
                          (text[end] == '\r' && end + 1 < len && text[end + 1] == '\n')) &&
                         iso_date_memo(text + i, end - i, &secs, &frac, &grain, &c->day);
        if (!whole_cell) {
          end = i;
          while (end < len && text[end] != ',' && text[end] != '\n' && text[end] != '\r' && text[end] != '"') end++;
          if (end < len && (text[end] == '"' || (text[end] == '\r' && !(end + 1 < len && text[end + 1] == '\n'))))
            return 0;
          if (end - i > s->max_string || !iso_date_memo(text + i, end - i, &secs, &frac, &grain, &c->day))
            return 0; /* text (or missing): the general scan */
        }
        if (c->at == NULL || s->len > UINT32_MAX) { /* the first date, or a text past 32-bit offsets */
          if (put_date(s, c, text + i, end - i, secs, frac, grain) != 0) return 0;
        } else { /* put_date's work, inline: a slice of the text, no kind byte (`usual`: none missing) */
          if (grain > c->grain) c->grain = grain;
          c->at[2 * s->rows] = (uint32_t)i;
          c->at[2 * s->rows + 1] = (uint32_t)(end - i);
        }
        c->num[s->rows].d = (double)secs + frac; /* as a number column's (`usual`): years 0..9999 are exact */
        if (frac == 0) c->whole[s->rows / 8] |= (unsigned char)(1u << (s->rows % 8));
        c->date_len = end - i;
        i = end;
      } else { /* a number: its double, and its bit when it is an integer (`usual`) */
        if (kind == 1) {
          c->num[s->rows].d = (double)iv;
          c->whole[s->rows / 8] |= (unsigned char)(1u << (s->rows % 8));
        } else {
          c->num[s->rows].d = dv;
        }
        i += k;
      }
      if (j + 1 < ncols) {
        if (i >= len || text[i] != ',') return 0;
        i++;
      }
    }
    if (i < len) { /* the row's line ending (where every cell's reading stopped, or a separator) */
      if (text[i] != '\n' && !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')) return 0;
      i += text[i] == '\r' ? 2 : 1;
    }
    s->field_end = text + i;
    s->field = (size_t)ncols;
    if (s->rows == 0) { /* the first row sizes the columns */
      if (scan_row_end(s) != 0) return 0;
    } else { /* scan_row_end's work for a row of cells (never blank) */
      s->field = 0;
      s->rows++;
      if (s->rows < s->keep && s->rows + 1 > s->cap && grow(s, s->rows + 1) != 0) return 0;
    }
  }
  for (int j = 0; j < ncols && s->rows > 0; j++) {
    s->cols[j].any = 1;
    s->cols[j].numbers = !s->cols[j].dates;
    s->cols[j].usual = 1;
  }
  return 1;
}

/* Back to the state before any text was read (simple_rows gave up). */
static void scan_reset(scan *s) {
  for (int j = 0; j < s->ncols; j++) {
    free(s->cols[j].kind);
    free(s->cols[j].num);
    free(s->cols[j].at);
    free(s->cols[j].whole);
    free(s->cols[j].name);
    memset(&s->cols[j], 0, sizeof s->cols[j]);
  }
  s->ncols = 0;
  s->rows = s->cap = s->field = s->blank_tail = 0;
  s->header_done = s->declined = s->row_blank = 0;
  s->field_end = s->rows_start = NULL;
}

/* Past this many rows a numeric column's numbers stay in C until Lua code reads them
 * (numcol_new): a large chart's hot paths read the doubles, and a million rows do not become
 * a million Lua values. Up to it the arrays are built at once (small data is echoed in replies). */
enum { LAZY_ROWS = 10000 };

/* Every integer cell of the column is exactly a double (|i| <= 2^53), so the doubles give
 * back the integers Lua would have had. */
static int exact_doubles(const column *c, size_t n) {
  const long long lim = 1LL << 53;
  for (size_t i = 0; i < n; i++)
    if (c->kind[i] == CELL_INT && (c->num[i].i > lim || c->num[i].i < -lim)) return 0;
  return 1;
}

/* A column of dates, all of them (else it is text or numbers). */
static int is_dates(const column *c) { return c->dates && !c->text; }

/* Pushes column c's numbers (or a date column's times) as Lua values with their doubles beside
 * them, or past LAZY_ROWS only as doubles until Lua reads them; an empty array for text (pass 2
 * fills it). */
/* What a pass over the n numbers of v (none NaN) finds, in one tight loop while they are still in
 * the cache: the chart's passes (columns.group, columns.scan) then read it instead. */
static numcol_profile profile_of(const double *v, size_t n) {
  numcol_profile p = {0, 0, 1};
  double lo = v[0], hi = v[0];
  for (size_t i = 1; i < n; i++) {
    double x = v[i];
    p.ascending &= x > v[i - 1];
    if (x < lo) lo = x, p.imin = i;
    if (x > hi) hi = x, p.imax = i;
  }
  return p;
}

static void push_numbers(lua_State *L, column *c, size_t n) {
  if (c->usual) { /* simple_rows': every cell a number, num holds the doubles */
    if (n > LAZY_ROWS) { /* the doubles and bits become the array's, not copied */
      double *d = &c->num[0].d;
      numcol_profile profile = profile_of(d, n);
      if (numcol_adopt(L, n, &d, &c->whole, &profile)) {
        c->num = NULL;
        return;
      }
    }
    lua_createtable(L, n < INT32_MAX ? (int)n : 0, 0);
    double *d = numcol_attach(L, -1, n);
    for (size_t i = 0; i < n; i++) {
      d[i] = c->num[i].d;
      if (c->whole[i / 8] >> (i % 8) & 1) lua_pushinteger(L, (lua_Integer)d[i]);
      else lua_pushnumber(L, d[i]);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return;
  }
  if (!c->text && n > LAZY_ROWS && exact_doubles(c, n)) {
    unsigned char *is_int;
    double *d = numcol_new(L, n, &is_int);
    for (size_t i = 0; i < n; i++) {
      d[i] = c->kind[i] == CELL_INT ? (double)c->num[i].i : c->kind[i] == CELL_FLOAT ? c->num[i].d : NAN;
      if (c->kind[i] == CELL_INT) is_int[i / 8] |= (unsigned char)(1u << (i % 8));
    }
    return;
  }
  lua_createtable(L, n < INT32_MAX ? (int)n : 0, 0);
  if (c->text) return;
  double *d = numcol_attach(L, -1, n);
  for (size_t i = 0; i < n; i++) {
    if (c->kind[i] == CELL_INT) {
      lua_pushinteger(L, c->num[i].i);
      d[i] = (double)c->num[i].i;
    } else if (c->kind[i] == CELL_FLOAT) {
      lua_pushnumber(L, c->num[i].d);
      d[i] = c->num[i].d;
    } else {
      d[i] = NAN;
      continue;
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* Pushes the array of column c's cells as columns[name] holds them (see csv.columns), and says
 * in c->fill whether pass 2 is to push its texts: a date column's texts are slices of the CSV
 * text at TEXT until read (numcol_new_text), unless a cell was quoted — at every size, as the
 * chart and the reply's echo read the times, rarely the texts (pushing 10,000 of them cost a
 * second parse of the text, ~1,600 instructions a row). */
static void push_column(lua_State *L, column *c, size_t n, int text_idx) {
  c->fill = c->text;
  if (!is_dates(c)) {
    push_numbers(L, c, n);
    return;
  }
  if (c->quoted) {
    lua_createtable(L, n < INT32_MAX ? (int)n : 0, 0);
    c->fill = 1;
    return;
  }
  uint32_t *at = numcol_new_text(L, n, text_idx);
  if (c->usual) { /* simple_rows' column: every cell a date in the text */
    memcpy(at, c->at, 2 * n * sizeof *at);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    at[2 * i] = c->kind[i] == CELL_MISSING ? 0 : c->at[2 * i];
    at[2 * i + 1] = c->kind[i] == CELL_MISSING ? NUMCOL_NO_TEXT : c->at[2 * i + 1];
  }
}

/* Stack slots of l_columns. */
enum { TEXT = 1, MAX_ROWS, MAX_COLUMNS, MAX_STRING, SCAN, NAMES, COLUMNS, NUMERIC, BY_INDEX, DATES, GRAINS };

typedef struct fill {
  lua_State *L;
  scan *s;
  size_t row, field;
  int header;
} fill;

/* Pass 2: the text of the columns that hold text. */
static int fill_field(void *ud, const char *data, size_t len) {
  fill *f = ud;
  size_t j = f->field++;
  if (f->header || f->row >= f->s->keep) return 0;
  const column *c = &f->s->cols[j];
  if (!c->fill || c->kind[f->row] == CELL_MISSING) return 0;
  lua_rawgeti(f->L, BY_INDEX, (lua_Integer)j + 1);
  lua_pushlstring(f->L, data, len);
  lua_rawseti(f->L, -2, (lua_Integer)f->row + 1);
  lua_pop(f->L, 1);
  return 0;
}

static int fill_row_end(void *ud) {
  fill *f = ud;
  if (f->header) f->header = 0;
  else f->row++;
  f->field = 0;
  return 0;
}

static int l_columns(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, TEXT, &len);
  lua_Integer max_rows = luaL_checkinteger(L, MAX_ROWS), max_columns = luaL_checkinteger(L, MAX_COLUMNS);
  lua_Integer max_string = luaL_checkinteger(L, MAX_STRING);
  if (max_rows < 0 || max_columns < 1 || max_columns > 100000 || max_string < 0)
    return luaL_error(L, "csv.columns: limits out of range");
  lua_settop(L, MAX_STRING);
  scan *s = lua_newuserdatauv(L, sizeof *s, 0); /* SCAN */
  memset(s, 0, sizeof *s);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, scan_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  if ((s->cols = calloc((size_t)max_columns, sizeof *s->cols)) == NULL) return luaL_error(L, "not enough memory");
  s->max_columns = (int)max_columns;
  s->max_rows = (size_t)max_rows;
  s->max_string = (size_t)max_string;
  s->keep = s->max_rows + 1024; /* room for blank lines at the end */
  s->text = text;
  s->len = len;

  char err[128];
  if (!simple_rows(s)) {
    scan_reset(s);
    char *unescape = lua_newuserdatauv(L, len > 0 ? len : 1, 0);
    csv_callbacks cb = {scan_field, scan_row_end, s, scan_number};
    int rc = csv_parse_scratch(text, len, ',', &cb, unescape, err, sizeof err);
    lua_pop(L, 1);
    if (rc != 0) return 0;
  }
  if (s->declined || !s->header_done) return 0;
  size_t n = s->rows - s->blank_tail;
  if (n > s->max_rows) {
    lua_pushboolean(L, 0);
    lua_pushinteger(L, (lua_Integer)n);
    return 2;
  }
  if (n == 0) return 0;

  lua_createtable(L, s->ncols, 0); /* NAMES */
  lua_createtable(L, 0, s->ncols); /* COLUMNS */
  lua_createtable(L, 0, s->ncols); /* NUMERIC */
  lua_createtable(L, s->ncols, 0); /* BY_INDEX: the column arrays by position */
  lua_newtable(L);                 /* DATES */
  lua_newtable(L);                 /* GRAINS */
  int any_text = 0;
  for (int j = 0; j < s->ncols; j++) {
    column *c = &s->cols[j];
    lua_pushlstring(L, c->name, c->name_len);
    lua_rawseti(L, NAMES, j + 1);
    if (is_dates(c)) {
      lua_pushlstring(L, c->name, c->name_len);
      push_numbers(L, c, n);
      lua_rawset(L, DATES);
      lua_pushlstring(L, c->name, c->name_len);
      lua_pushstring(L, c->grain == ISO_MONTH ? "month" : c->grain == ISO_DAY ? "day" : "datetime");
      lua_rawset(L, GRAINS);
    }
    push_column(L, c, n, TEXT);
    any_text |= c->fill;
    lua_pushvalue(L, -1);
    lua_rawseti(L, BY_INDEX, j + 1);
    lua_pushlstring(L, c->name, c->name_len);
    lua_insert(L, -2);
    lua_rawset(L, COLUMNS);
    lua_pushlstring(L, c->name, c->name_len);
    lua_pushboolean(L, !c->text && !c->dates && c->any);
    lua_rawset(L, NUMERIC);
  }
  if (any_text) {
    s->keep = n;
    fill f = {L, s, 0, 0, 1};
    csv_callbacks cb2 = {fill_field, fill_row_end, &f, NULL};
    char *unescape2 = lua_newuserdatauv(L, len > 0 ? len : 1, 0);
    if (csv_parse_scratch(text, len, ',', &cb2, unescape2, err, sizeof err) != 0) return 0;
    lua_pop(L, 1);
  }
  lua_pushvalue(L, NAMES);
  lua_pushvalue(L, COLUMNS);
  lua_pushinteger(L, (lua_Integer)n);
  lua_pushvalue(L, NUMERIC);
  lua_pushvalue(L, DATES);
  lua_pushvalue(L, GRAINS);
  return 6;
}

int luaopen_chartd_csv(lua_State *L) {
  static const luaL_Reg fns[] = {{"parse", l_parse}, {"columns", l_columns}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
