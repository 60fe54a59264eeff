/* Tests src/csv.c: RFC 4180 quoting, CRLF/LF, embedded newlines, BOM, separators, error lines. */
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

static void parses(const char *text, char sep, const char *want) {
  out o = {{0}, 0, 0};
  char err[128] = "";
  csv_callbacks cb = {on_field, on_row_end, &o};
  int rc = csv_parse(text, strlen(text), sep, &cb, err, sizeof err);
  if (rc != 0 || strcmp(o.buf, want) != 0) fprintf(stderr, "input: \"%s\" (err: %s)\n", text, err);
  CHECK_INT(rc, 0);
  CHECK_STR(o.buf, want);
  /* the scratch variant must agree */
  out o2 = {{0}, 0, 0};
  csv_callbacks cb2 = {on_field, on_row_end, &o2};
  char *scratch = malloc(strlen(text) + 1);
  CHECK_INT(csv_parse_scratch(text, strlen(text), sep, &cb2, scratch, err, sizeof err), 0);
  CHECK_STR(o2.buf, want);
  free(scratch);
}

static void fails(const char *text, const char *want_err) {
  out o = {{0}, 0, 0};
  char err[128] = "";
  csv_callbacks cb = {on_field, on_row_end, &o};
  CHECK_INT(csv_parse(text, strlen(text), ',', &cb, err, sizeof err), -1);
  if (strcmp(err, want_err) != 0) fprintf(stderr, "input: \"%s\"\n", text);
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

int main(void) {
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
  fails("\"multi\nline\"x", "line 2: unexpected character after closing quote");

  /* a callback can stop the parser */
  {
    int count = 0;
    char err[64];
    csv_callbacks cb = {stop_at_second, no_row_end, &count};
    CHECK_INT(csv_parse("a,b,c", 5, ',', &cb, err, sizeof err), -1);
    CHECK_INT(count, 2);
    CHECK_STR(err, "line 1: stopped");
  }
  /* a quote can't be the separator */
  {
    char err[64];
    out o = {{0}, 0, 0};
    csv_callbacks cb = {on_field, on_row_end, &o};
    CHECK_INT(csv_parse("a", 1, '"', &cb, err, sizeof err), -1);
    CHECK_STR(err, "separator cannot be a quote or a line ending");
  }
  return check_done("test_csv");
}
