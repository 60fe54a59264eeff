/* Numeric columns kept in C beside their Lua arrays.
 *
 * A data column parsed in C (csv.columns) is handed to Lua as an array, as every chart reads
 * it; its numbers are also kept here as doubles (NaN where a cell is missing), so the per-row
 * passes of chartd.columns over a large column read memory instead of calling the Lua API
 * three times a row (~70 instructions). Column arrays are never edited in place (a frame's
 * views share them, set_type replaces one, series copy before they write), which is what
 * lets the doubles stand for the array for as long as it lives. */
#ifndef CHARTD_NUMCOL_H
#define CHARTD_NUMCOL_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

/* Makes room for n doubles that stand for the array at table_idx, and returns them to be filled:
 * kept with the array (a weak-keyed table in the registry) until the array is collected. */
double *numcol_attach(lua_State *L, int table_idx, size_t n);

/* The doubles standing for rows 1..n of the array at idx, or NULL when there are none for
 * exactly n rows. */
const double *numcol_get(lua_State *L, int idx, size_t n);

/* A new array of n rows pushed onto the stack whose numbers live only here until Lua code reads
 * it: rows are read from the doubles (NaN: nil), integers where *is_int (when asked for, a bit
 * a row, returned zeroed) has the row's bit; a write, pairs(), #, or more reads than a few
 * passes over the kept rows would make (numcol.c) turns it into a plain Lua array of the same
 * values first. C code that reads arrays through the raw API calls numcol_realize (or goes
 * through numcol_get/numcol_load/numcol_len, which know). Returns the doubles to be filled. */
double *numcol_new(lua_State *L, size_t n, unsigned char **is_int);

/* What a parser learned of a column of numbers on the way, so passes over it need not: no row
 * is missing (NaN), the 0-based rows of the first smallest and of the first largest value, and
 * whether every row is greater than the one before. */
typedef struct numcol_profile {
  size_t imin, imax;
  int ascending;
} numcol_profile;

/* numcol_new's array over doubles already made: *v (n doubles, none NaN, malloc'd) and *is_int
 * (a bit a row, malloc'd, or NULL) become the array's, freed with it, and both pointers are set
 * to NULL; *profile is kept with them. Returns 0 (nothing pushed, nothing taken) when the stack
 * has no room. A Lua memory error can be raised before anything is taken, never after: the
 * caller still owns both then, and must not have let go of them before the call returns. */
int numcol_adopt(lua_State *L, size_t n, double **v, unsigned char **is_int, const numcol_profile *profile);

/* The profile kept for exactly n rows of the array at idx (numcol_adopt's), or NULL. */
const numcol_profile *numcol_profile_of(lua_State *L, int idx, size_t n);

/* A new array of n rows pushed onto the stack whose rows are slices of the string at text_idx
 * (kept alive with it) until Lua code reads it, as numcol_new's: a row is pushed as a new Lua
 * string when read, and the same reads, writes, pairs() and # turn it into a plain array of
 * strings. Returns 2n uint32 to fill: row i's offset into the string and length, or
 * NUMCOL_NO_TEXT as its length for nil. (A text column has no doubles: numcol_get says NULL.) */
#define NUMCOL_NO_TEXT UINT32_MAX
uint32_t *numcol_new_text(lua_State *L, size_t n, int text_idx);

/* Makes the array at idx a plain Lua array if it is one of numcol_new's (else nothing). */
void numcol_realize(lua_State *L, int idx);

/* The length of the array at idx: numcol_new's n, or lua_rawlen. */
size_t numcol_len(lua_State *L, int idx);

/* Rows 1..n of the array at idx as doubles into dst (NaN where there is no number): from the
 * kept doubles when there are, else read through the Lua API. */
void numcol_load(lua_State *L, int idx, size_t n, double *dst);

#endif
