/* The catalog the service thread serves without Lua — the hello message, the chart types, the themes — with one owner.
 *
 * Worker 0 sets it from its first state (service.catalog) before the server listens; a good
 * reload replaces it on the service thread. Readers get texts that stay valid until the next
 * catalog_set on the service thread, which is also where they are read. */
#ifndef CHARTD_CATALOG_H
#define CHARTD_CATALOG_H

/* Copies the three JSON texts (all or nothing). */
void catalog_set(const char *hello, const char *chart_types, const char *themes);

/* NULL until the first catalog_set. */
const char *catalog_hello(void);
const char *catalog_chart_types(void);
const char *catalog_themes(void);

void catalog_free(void);

#endif
