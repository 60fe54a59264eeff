/* The catalog the service thread serves without Lua — the hello message, the chart types, the themes — with one owner. */
#include "catalog.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static _Atomic(char *) hello, chart_types, themes;

void catalog_set(const char *h, const char *c, const char *t) {
  if (h == NULL || c == NULL || t == NULL) return;
  char *hh = strdup(h), *cc = strdup(c), *tt = strdup(t);
  if (hh == NULL || cc == NULL || tt == NULL) {
    free(hh);
    free(cc);
    free(tt);
    return;
  }
  free(atomic_exchange(&hello, hh));
  free(atomic_exchange(&chart_types, cc));
  free(atomic_exchange(&themes, tt));
}

const char *catalog_hello(void) { return atomic_load(&hello); }
const char *catalog_chart_types(void) { return atomic_load(&chart_types); }
const char *catalog_themes(void) { return atomic_load(&themes); }

void catalog_free(void) {
  free(atomic_exchange(&hello, NULL));
  free(atomic_exchange(&chart_types, NULL));
  free(atomic_exchange(&themes, NULL));
}
