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

/* Makes room for n doubles that stand for the array at table_idx, and returns them to be filled:
 * kept with the array (a weak-keyed table in the registry) until the array is collected. */
double *numcol_attach(lua_State *L, int table_idx, size_t n);

/* The doubles standing for rows 1..n of the array at idx, or NULL when there are none for
 * exactly n rows. */
const double *numcol_get(lua_State *L, int idx, size_t n);

/* Rows 1..n of the array at idx as doubles into dst (NaN where there is no number): from the
 * kept doubles when there are, else read through the Lua API. */
void numcol_load(lua_State *L, int idx, size_t n, double *dst);

#endif
