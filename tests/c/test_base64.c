/* Tests src/base64.c: RFC 4648 vectors, round trips of every byte value, strict decoding offsets. */
#include <stdlib.h>

#include "../../src/base64.h"
#include "check.h"

static char *enc(const char *in, size_t len) {
  size_t n = base64_encoded_len(len);
  char *out = malloc(n + 1);
  base64_encode((const unsigned char *)in, len, out);
  out[n] = '\0';
  return out;
}

/* Returns the decoded string (NUL-terminated) or NULL with *bad set. */
static char *dec(const char *in, size_t *outlen, size_t *bad) {
  size_t len = strlen(in);
  char *out = malloc(base64_decoded_max(len) + 1);
  if (base64_decode(in, len, (unsigned char *)out, outlen, bad) != 0) {
    free(out);
    return NULL;
  }
  out[*outlen] = '\0';
  return out;
}

static void vector(const char *plain, const char *b64) {
  char *e = enc(plain, strlen(plain));
  CHECK_STR(e, b64);
  free(e);
  size_t n = 99, bad = 99;
  char *d = dec(b64, &n, &bad);
  CHECK_STR(d, plain);
  CHECK_INT(n, strlen(plain));
  free(d);
}

static void bad_input(const char *in, size_t want_offset) {
  size_t n = 0, bad = 12345;
  char *d = dec(in, &n, &bad);
  if (d != NULL) fprintf(stderr, "decoding \"%s\" should fail\n", in);
  CHECK(d == NULL);
  free(d);
  if (bad != want_offset) fprintf(stderr, "input \"%s\"\n", in);
  CHECK_INT(bad, want_offset);
}

int main(void) {
  /* RFC 4648 section 10 */
  vector("", "");
  vector("f", "Zg==");
  vector("fo", "Zm8=");
  vector("foo", "Zm9v");
  vector("foob", "Zm9vYg==");
  vector("fooba", "Zm9vYmE=");
  vector("foobar", "Zm9vYmFy");

  /* all 256 byte values, and every length 0..10 of a byte pattern including 0x00 and 0xFF */
  unsigned char all[256];
  for (int i = 0; i < 256; i++) all[i] = (unsigned char)i;
  for (size_t len = 0; len <= 256; len = len < 10 ? len + 1 : (len == 10 ? 255 : len + 1)) {
    const unsigned char *src = all + (len <= 10 ? 250 - len * 20 % 250 : 0);
    char *e = enc((const char *)src, len);
    CHECK_INT(strlen(e), (len + 2) / 3 * 4);
    size_t n = 0, bad = 0;
    unsigned char *out = malloc(base64_decoded_max(strlen(e)));
    CHECK_INT(base64_decode(e, strlen(e), out, &n, &bad), 0);
    CHECK_INT(n, len);
    CHECK(memcmp(out, src, len) == 0);
    free(out);
    free(e);
  }
  {
    char *e = enc((const char *)all, 256);
    CHECK(strncmp(e, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g", 44) == 0);
    CHECK_STR(e + strlen(e) - 4, "/w==");
    free(e);
  }
  {
    const unsigned char hi[3] = {0xFB, 0xFF, 0xBF};
    char *e = enc((const char *)hi, 3);
    CHECK_STR(e, "+/+/"); /* both non-alphanumeric symbols of the standard alphabet */
    free(e);
  }

  /* strict decoding: offsets of the first bad character */
  bad_input("Zm9v!A==", 4);
  bad_input("Zm9", 3);           /* truncated: offset is the input length */
  bad_input("Z", 1);
  bad_input("Zm9v\nYmFy", 4);    /* no whitespace skipping */
  bad_input("Zm=v", 2);          /* '=' followed by data */
  bad_input("Zg=", 3);           /* missing second '=' */
  bad_input("Zg==Zm9v", 2);      /* padding only in the last group */
  bad_input("=Zm9", 0);
  bad_input("Zm9-", 3);          /* base64url alphabet is not accepted */
  bad_input("Zh==", 1);          /* non-canonical: unused bits set */
  bad_input("Zm9=", 2);
  bad_input("Zm9vYmFy====", 8);
  return check_done("test_base64");
}
