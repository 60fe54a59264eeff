/* libFuzzer harness for src/csv.c: the allocating and the scratch parser must agree on every input,
 * and so must the scratch parser with the number callback (the fields it reads as numbers are the
 * same fields, with csv_number's answer). First byte picks the separator; the rest is the CSV text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* A digest of what the parser reported: field bytes and boundaries, order-sensitive. */
struct trace {
  uint64_t hash;
  size_t fields, rows;
};

static void mix(struct trace *t, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) t->hash = (t->hash ^ b[i]) * 1099511628211ULL;
}

static int on_field(void *ud, const char *data, size_t len) {
  struct trace *t = ud;
  t->fields++;
  mix(t, &len, sizeof len);
  mix(t, data, len);
  return 0;
}

static int on_row_end(void *ud) {
  struct trace *t = ud;
  t->rows++;
  mix(t, "\n", 1);
  return 0;
}

/* The number callback: the field as on_field sees it, after checking csv_number agrees. */
static int on_number(void *ud, const char *data, size_t len, int kind, long long ival, double dval) {
  long long i2 = 0;
  double d2 = 0;
  int k2 = csv_number(data, len, &i2, &d2);
  if (k2 != kind || (kind == 1 && i2 != ival) || (kind == 2 && memcmp(&d2, &dval, sizeof d2) != 0)) abort();
  return on_field(ud, data, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  char sep = (char)data[0];
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  char err1[128] = "", err2[128] = "";

  struct trace a = {.hash = 14695981039346656037ULL}, b = a;
  csv_callbacks cb = {on_field, on_row_end, &a, NULL};
  int rc1 = csv_parse(text, len, sep, &cb, err1, sizeof err1);

  char *scratch = malloc(len ? len : 1);
  if (scratch == NULL) return 0;
  cb.ud = &b;
  int rc2 = csv_parse_scratch(text, len, sep, &cb, scratch, err2, sizeof err2);
  free(scratch);

  if (rc1 != rc2 || strcmp(err1, err2) != 0 || a.hash != b.hash || a.fields != b.fields || a.rows != b.rows)
    abort();
  struct trace c = {.hash = 14695981039346656037ULL};
  char err3[128] = "";
  char *scratch3 = malloc(len ? len : 1);
  if (scratch3 == NULL) return 0;
  csv_callbacks with_numbers = {on_field, on_row_end, &c, on_number};
  int rc3 = csv_parse_scratch(text, len, sep, &with_numbers, scratch3, err3, sizeof err3);
  free(scratch3);
  if (rc3 != rc1 || strcmp(err3, err1) != 0 || c.hash != a.hash || c.fields != a.fields || c.rows != a.rows) abort();
  if (rc1 == 0 && a.rows > 0 && a.fields < a.rows) abort(); /* every row has at least one field */
  return 0;
}
