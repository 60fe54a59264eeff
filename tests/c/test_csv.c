/* Tests src/csv.c: RFC 4180 quoting, CRLF/LF, embedded newlines, BOM, separators, error lines. */
#include <stdint.h>
#include <stdlib.h>

#include "../../src/csv.h"
#include "check.h"

/* Renders parsed rows as "[a|b][c]" so expectations are one exact string. */
typedef struct out {
  char buf[1024];
  size_t len;
  int open;
} out;

static void put(out *o, const char *s, size_t n) {
  if (o->len + n < sizeof o->buf) {
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
  }
}

static int on_field(void *ud, const char *data, size_t len) {
  out *o = ud;
  put(o, o->open ? "|" : "[", 1);
  o->open = 1;
  put(o, data, len);
  return 0;
}

static int on_row_end(void *ud) {
  out *o = ud;
  if (!o->open) put(o, "[", 1);
  put(o, "]", 1);
  o->open = 0;
  return 0;
}

/* The number callback (csv.h): csv_number must give the same answer for the field, which is
 * then reported as any field is; numbers_seen counts them. */
static int numbers_seen;
static int on_number(void *ud, const char *data, size_t len, int kind, long long ival, double dval) {
  long long i2 = 0;
  double d2 = 0;
  CHECK_INT(csv_number(data, len, &i2, &d2), kind);
  if (kind == 1) CHECK(i2 == ival);
  else CHECK(d2 == dval);
  numbers_seen++;
  return on_field(ud, data, len);
}

static void parses(const char *text, char sep, const char *want) {
  out o = {{0}, 0, 0};
  char err[128] = "";
  csv_callbacks cb = {on_field, on_row_end, &o, NULL};
  int rc = csv_parse(text, strlen(text), sep, &cb, err, sizeof err);
  if (rc != 0 || strcmp(o.buf, want) != 0) fprintf(stderr, "input: \"%s\" (err: %s)\n", text, err);
  CHECK_INT(rc, 0);
  CHECK_STR(o.buf, want);
  /* the scratch variant must agree */
  out o2 = {{0}, 0, 0};
  csv_callbacks cb2 = {on_field, on_row_end, &o2, NULL};
  char *scratch = malloc(strlen(text) + 1);
  CHECK_INT(csv_parse_scratch(text, strlen(text), sep, &cb2, scratch, err, sizeof err), 0);
  CHECK_STR(o2.buf, want);
  /* and so must the parser that reads the usual numbers on the way */
  out o3 = {{0}, 0, 0};
  csv_callbacks cb3 = {on_field, on_row_end, &o3, on_number};
  CHECK_INT(csv_parse_scratch(text, strlen(text), sep, &cb3, scratch, err, sizeof err), 0);
  CHECK_STR(o3.buf, want);
  free(scratch);
}

static void fails(const char *text, const char *want_err) {
  out o = {{0}, 0, 0};
  char err[128] = "";
  csv_callbacks cb = {on_field, on_row_end, &o, NULL};
  CHECK_INT(csv_parse(text, strlen(text), ',', &cb, err, sizeof err), -1);
  if (strcmp(err, want_err) != 0) fprintf(stderr, "input: \"%s\"\n", text);
  CHECK_STR(err, want_err);
  csv_callbacks cb2 = {on_field, on_row_end, &o, on_number};
  CHECK_INT(csv_parse(text, strlen(text), ',', &cb2, err, sizeof err), -1);
  CHECK_STR(err, want_err);
}

static int stop_at_second(void *ud, const char *data, size_t len) {
  (void)data;
  (void)len;
  return ++*(int *)ud == 2;
}

static int no_row_end(void *ud) {
  (void)ud;
  return 0;
}

/* csv_usual_number against csv_number on seeded random cells of digits, signs, points and
 * other bytes, at every offset of texts that end anywhere: whenever it reads a cell,
 * csv_number reads the same text the same way; whenever the text from i to the next separator
 * or line ending is [-]digits[.digits] with 1 to 15 digits, it reads it (simple_rows relies on
 * both). */
static void usual_numbers_agree(void) {
  static const char alphabet[] = "0123456789012345678901234567890123456789-.,\n\rx9";
  uint64_t seed = 0x9E3779B97F4A7C15ULL;
  char text[48];
  int read = 0;
  for (int round = 0; round < 200000; round++) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t len = (size_t)(seed >> 59) + (size_t)((seed >> 40) & 15); /* 0..46 */
    for (size_t k = 0; k < len; k++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      text[k] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
    }
    for (size_t i = 0; i < len; i++) {
      int kind = 0;
      long long iv = 0, iv2 = 0;
      double dv = 0, dv2 = 0;
      size_t got = csv_usual_number(text, i, len, ',', &kind, &iv, &dv);
      { /* the same answer when the text is NUL-ended (simple_rows' Lua strings) */
        int kz = 0;
        long long ivz = 0;
        double dvz = 0;
        text[len] = '\0';
        CHECK_INT((int)csv_usual_number_z(text, i, len, ',', &kz, &ivz, &dvz), (int)got);
        CHECK_INT(kz, kind);
        CHECK(ivz == iv && dvz == dv);
      }
      size_t end = i;
      while (end < len && text[end] != ',' && text[end] != '\n' && text[end] != '\r') end++;
      int ends = end == len || text[end] != '\r' || (end + 1 < len && text[end + 1] == '\n');
      /* the usual shape, by hand */
      size_t j = i + (i < len && text[i] == '-'), digits = 0, dots = 0;
      int shape = j < end;
      for (size_t k = j; k < end; k++) {
        if (text[k] >= '0' && text[k] <= '9') digits++;
        else if (text[k] == '.' && dots++ == 0) continue;
        else shape = 0;
      }
      shape = shape && ends && digits >= 1 && digits <= 15;
      if (!shape) {
        CHECK_INT((int)got, 0);
        continue;
      }
      CHECK_INT((int)got, (int)(end - i));
      CHECK_INT(csv_number(text + i, end - i, &iv2, &dv2), kind);
      if (kind == 1) CHECK(iv == iv2);
      else CHECK(dv == dv2);
      read++;
    }
  }
  CHECK(read > 100000); /* the generator makes numbers, not only refusals */
}

int main(void) {
  usual_numbers_agree();
  parses("", ',', "");
  parses("a,b,c", ',', "[a|b|c]");
  parses("a,b\nc,d\n", ',', "[a|b][c|d]");
  parses("a,b\r\nc,d\r\n", ',', "[a|b][c|d]");
  parses("a,b\r\nc,d", ',', "[a|b][c|d]");
  parses("\"a,b\",c", ',', "[a,b|c]");
  parses("\"say \"\"hi\"\"\",x", ',', "[say \"hi\"|x]");
  parses("\"line1\nline2\",z\nnext,row", ',', "[line1\nline2|z][next|row]");
  parses("\"crlf\r\ninside\"\r\n", ',', "[crlf\r\ninside]");
  parses("\xEF\xBB\xBFname,value\n", ',', "[name|value]");
  parses("\xEF\xBB\xBF", ',', "");
  parses("a,,c\n,\n", ',', "[a||c][|]");
  parses("a,", ',', "[a|]");
  parses("\"\"", ',', "[]");
  parses("\"\",\"\"\n", ',', "[|]");
  parses("a\n\nb\n", ',', "[a][][b]");
  parses("a;b;\"c;d\"\n1;2;3", ';', "[a|b|c;d][1|2|3]");
  parses("a\tb\n", '\t', "[a|b]");
  parses("lone\rcr,x", ',', "[lone\rcr|x]");
  parses("  spaced , kept ", ',', "[  spaced | kept ]");

  fails("a,\"b\nc", "line 1: unterminated quoted field");
  fails("h1,h2\nx,y\n\"open,z\n", "line 3: unterminated quoted field");
  fails("a,b\n\"x\"y,z", "line 2: unexpected character after closing quote");
  fails("a\nb\nc\"d", "line 3: quote inside an unquoted field");
  fails("1,2\n3,45\"", "line 2: quote inside an unquoted field");

  /* numbers read on the way: only [-]digits[.digits] with 1..15 digits, ended by a separator,
   * a line ending or the end; anything else is a field as before */
  numbers_seen = 0;
  parses("1,-2.5,.5,5.,-0,007\r\n123456789012345,1234567890123456,-,.,1e3, 7,7 ,+7\n1\r2,3;4\n9",
         ',', "[1|-2.5|.5|5.|-0|007][123456789012345|1234567890123456|-|.|1e3| 7|7 |+7][1\r2|3;4][9]");
  CHECK_INT(numbers_seen, 8);
  numbers_seen = 0;
  parses("1;2.5;x\n\"3\";4", ';', "[1|2.5|x][3|4]");
  CHECK_INT(numbers_seen, 3);
  parses("500\n1b", '5', "[|00][1b]"); /* a digit, '-' or '.' separates: no number path */
  parses("1.5.2\n-3-4", '.', "[1|5|2][-3-4]");
  parses("1-2\n3", '-', "[1|2][3]");
  fails("\"multi\nline\"x", "line 2: unexpected character after closing quote");

  /* a callback can stop the parser */
  {
    int count = 0;
    char err[64];
    csv_callbacks cb = {stop_at_second, no_row_end, &count, NULL};
    CHECK_INT(csv_parse("a,b,c", 5, ',', &cb, err, sizeof err), -1);
    CHECK_INT(count, 2);
    CHECK_STR(err, "line 1: stopped");
  }
  /* a quote can't be the separator */
  {
    char err[64];
    out o = {{0}, 0, 0};
    csv_callbacks cb = {on_field, on_row_end, &o, NULL};
    CHECK_INT(csv_parse("a", 1, '"', &cb, err, sizeof err), -1);
    CHECK_STR(err, "separator cannot be a quote or a line ending");
  }
  return check_done("test_csv");
}
