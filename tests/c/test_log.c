/* Tests src/log.c: the JSON string escaper, level names/threshold, and the line log_write emits. */
#include <stdlib.h>
#include <unistd.h>

#include "../../src/log.h"
#include "check.h"

static void escapes(const char *in, size_t len, const char *want) {
  char out[128];
  size_t need = log_json_escape(out, sizeof out, in, len);
  CHECK_STR(out, want);
  CHECK_INT(need, strlen(want));
}

int main(void) {
  escapes("plain", 5, "plain");
  escapes("q\"b\\", 4, "q\\\"b\\\\");
  escapes("a\nb\rc\td", 7, "a\\nb\\rc\\td");
  escapes("\x01\x1f\x7f", 3, "\\u0001\\u001f\\u007f");
  escapes("nul\0x", 5, "nul\\u0000x");
  escapes("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  escapes("bad\xFF!", 5, "bad\\ufffd!");
  escapes("\xC3", 1, "\\ufffd");                  /* truncated sequence */
  escapes("\xC0\xAF", 2, "\\ufffd\\ufffd");       /* overlong */
  escapes("\xED\xA0\x80", 3, "\\ufffd\\ufffd\\ufffd"); /* surrogate */

  /* snprintf-like truncation: always NUL-terminated, returns the full length */
  {
    char small[5];
    CHECK_INT(log_json_escape(small, sizeof small, "a\"bcdef", 7), 8);
    CHECK_STR(small, "a\\\"b");
    CHECK_INT(log_json_escape(NULL, 0, "\n", 1), 2);
  }

  log_level lv;
  CHECK_INT(log_level_parse("warning", &lv), 0);
  CHECK_INT(lv, LOG_WARN);
  CHECK_INT(log_level_parse("loud", &lv), -1);
  CHECK_STR(log_level_name(LOG_ERROR), "error");

  /* capture stderr in a temporary file */
  FILE *tmp = tmpfile();
  CHECK(tmp != NULL);
  fflush(stderr);
  int saved = dup(fileno(stderr));
  dup2(fileno(tmp), fileno(stderr));
  log_set_level(LOG_WARN);
  log_write(LOG_INFO, "dropped", NULL);
  log_write(LOG_WARN, "slow \"render\"", "\"ms\":12.5,\"chart\":\"bar\"");
  log_write(LOG_ERROR, "boom", "{\"code\":1}");
  log_write(LOG_ERROR, "bare", "");
  fflush(stderr);
  dup2(saved, fileno(stderr));
  close(saved);
  CHECK_INT(log_get_level(), LOG_WARN);
  CHECK(!log_enabled(LOG_INFO) && log_enabled(LOG_ERROR));

  char buf[1024] = "";
  rewind(tmp);
  size_t n = fread(buf, 1, sizeof buf - 1, tmp);
  buf[n] = '\0';
  fclose(tmp);
  /* lines look like {"time":"2026-11-24T08:30:00.123Z","level":...}: check the time shape,
   * then everything after it exactly */
  const char *want[] = {
      "\",\"level\":\"warn\",\"event\":\"slow \\\"render\\\"\",\"ms\":12.5,\"chart\":\"bar\"}",
      "\",\"level\":\"error\",\"event\":\"boom\",\"code\":1}",
      "\",\"level\":\"error\",\"event\":\"bare\"}",
  };
  char *line = buf;
  for (int i = 0; i < 3; i++) {
    char *nl = strchr(line, '\n');
    CHECK(nl != NULL);
    if (nl == NULL) break;
    *nl = '\0';
    CHECK(strncmp(line, "{\"time\":\"", 9) == 0);
    CHECK_INT(strlen(line + 9) > 24 ? line[9 + 23] : 0, 'Z');
    CHECK(line[9 + 4] == '-' && line[9 + 10] == 'T' && line[9 + 19] == '.');
    CHECK_STR(line + 9 + 24, want[i]);
    line = nl + 1;
  }
  CHECK_STR(line, "");
  return check_done("test_log");
}
