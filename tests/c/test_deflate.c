/* Tests src/deflate.c: every stream inflates back exactly with zlib and stays within the bound;
 * its Huffman code lengths are complete and limited. */
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "../../src/deflate.c" /* for the static build_lengths (the archive's copy is not linked) */
#include "check.h"

static uint32_t rng = 12345;
static uint32_t next_random(void) {
  rng = rng * 1664525u + 1013904223u;
  return rng >> 8;
}

/* Compresses, checks the bound and the zlib header, inflates and compares; returns the size. */
static size_t round_trip(const char *what, const unsigned char *in, size_t n) {
  static uint32_t work[(1 << 15) + (1 << 16)];
  CHECK(deflate_fast_work_size() <= sizeof work);
  size_t bound = deflate_fast_bound(n);
  /* 64 guard bytes past the bound: the bit writer stores 8 bytes ahead of what it has written */
  unsigned char *out = malloc(bound + 64), *back = malloc(n + 1);
  memset(out + bound, 0xA5, 64);
  size_t len = deflate_fast(in, n, out, work);
  for (int k = 0; k < 64; k++) CHECK_INT(out[bound + k], 0xA5);
  uLongf got = (uLongf)n + 1;
  int rc = uncompress(back, &got, out, (uLong)len);
  if (len == 0 || len > bound || rc != Z_OK || got != n || (n > 0 && memcmp(back, in, n) != 0))
    fprintf(stderr, "%s: %zu bytes -> %zu (bound %zu), inflate %d, %lu bytes back\n", what, n, len, bound, rc,
            (unsigned long)got);
  CHECK(len > 0 && len <= bound);
  CHECK(((unsigned)out[0] << 8 | out[1]) % 31 == 0 && (out[0] & 0x0F) == 8);
  CHECK_INT(rc, Z_OK);
  CHECK(got == n && (n == 0 || memcmp(back, in, n) == 0));
  free(out);
  free(back);
  return len;
}

int main(void) {
  enum { BIG = 1 << 20 };
  unsigned char *buf = calloc(BIG, 1);

  round_trip("empty", buf, 0);
  buf[0] = 7;
  round_trip("one byte", buf, 1);

  /* zero runs of every length near the 258-byte match limit, and a long one */
  for (size_t n = 1; n < 600; n++) {
    memset(buf, 0, n);
    round_trip("zeros", buf, n);
  }
  memset(buf, 0, BIG);
  CHECK(round_trip("1 MiB of zeros", buf, BIG) < 8000);

  /* one non-zero byte at each place around the 16- and 64-byte blocks the zero scans and the
   * checksum step over, and at both ends */
  for (size_t n = 1; n < 200; n++)
    for (size_t at = 0; at < n; at++) {
      memset(buf, 0, n);
      buf[at] = (unsigned char)(at % 255 + 1);
      round_trip("one byte among zeros", buf, n);
    }
  /* sparse bytes over far more than the checksum's 4,096-byte reduction span */
  memset(buf, 0, BIG);
  for (size_t i = 5; i < BIG; i += 997) buf[i] = 255;
  round_trip("sparse bytes", buf, BIG);

  /* incompressible: stored blocks, never much past the input */
  for (size_t i = 0; i < BIG; i++) buf[i] = (unsigned char)next_random();
  CHECK(round_trip("1 MiB of noise", buf, BIG) <= BIG + BIG / 4096 + 64);

  /* a 40,000-byte random block twice: the second copy lies beyond the 32 KiB window for its
   * first bytes and within it for the rest */
  for (size_t i = 0; i < 40000; i++) buf[i] = (unsigned char)next_random();
  memcpy(buf + 40000, buf, 40000);
  round_trip("repeat past the window", buf, 80000);
  memcpy(buf + 32768, buf, 32768);
  round_trip("repeat at exactly 32 KiB", buf, 65536);

  /* PNG-like rows: a filter byte, zeros, sparse small differences, repeated rows */
  for (size_t row = 0; row < 400; row++) {
    unsigned char *r = buf + row * 2401;
    r[0] = 2;
    memset(r + 1, 0, 2400);
    if (row % 7 != 0)
      for (int k = 0; k < 40; k++) r[1 + next_random() % 2400] = (unsigned char)(next_random() % 5 + 251);
  }
  size_t rows_len = round_trip("sparse rows", buf, 400 * 2401);
  CHECK(rows_len < compressBound(400 * 2401) / 10);

  /* Fibonacci frequencies make an unlimited Huffman code 39 bits deep: the lengths must stay
   * within the limit and still form a complete code (Kraft sum exactly 1), rarer symbols never
   * shorter than more frequent ones */
  {
    uint32_t freq[LITLEN_SYMS] = {0};
    uint8_t len[LITLEN_SYMS];
    uint32_t f0 = 1, f1 = 1;
    for (int sym = 0; sym < 40; sym++) {
      freq[sym * 7] = f1;
      uint32_t f2 = f0 + f1;
      f0 = f1;
      f1 = f2;
    }
    for (int limit = 7; limit <= 15; limit += 8) {
      build_lengths(freq, LITLEN_SYMS, limit, len);
      uint64_t kraft = 0;
      int longest = 0, ordered = 1;
      for (int sym = 0; sym < LITLEN_SYMS; sym++) {
        CHECK((freq[sym] > 0) == (len[sym] > 0));
        if (len[sym]) kraft += 1ull << (limit - len[sym]);
        if (len[sym] > longest) longest = len[sym];
        if (sym >= 7 && freq[sym] && len[sym] > len[sym - 7]) ordered = 0;
      }
      CHECK_INT(longest, limit);
      CHECK_INT(kraft, 1ull << limit);
      CHECK(ordered);
    }
    /* one used symbol still gets a one-bit code, with a partner: a complete code of two */
    uint32_t one[DIST_SYMS] = {[5] = 9};
    build_lengths(one, DIST_SYMS, MAX_BITS, len);
    int used = 0;
    for (int sym = 0; sym < DIST_SYMS; sym++) used += len[sym] == 1;
    CHECK(len[5] == 1 && used == 2);
  }

  /* skewed symbol frequencies through the whole encoder */
  {
    size_t n = 0, f0 = 1, f1 = 1;
    for (int sym = 0; sym < 30 && n < BIG; sym++) {
      for (size_t k = 0; k < f1 && n < BIG; k++) buf[n++] = (unsigned char)(sym * 8 + 1);
      size_t f2 = f0 + f1;
      f0 = f1;
      f1 = f2;
    }
    /* shuffle so runs do not turn into matches */
    for (size_t i = n - 1; i > 0; i--) {
      size_t j = next_random() % (i + 1);
      unsigned char t = buf[i];
      buf[i] = buf[j];
      buf[j] = t;
    }
    round_trip("skewed frequencies", buf, n);
  }

  /* more than one block's worth of tokens (65,536), all literals and short matches */
  for (size_t i = 0; i < 300000; i++) buf[i] = (unsigned char)(next_random() % 3 + 1);
  round_trip("many tokens", buf, 300000);

  /* rare matches among skewed literals: their length and distance symbols get the longest
   * codes and the most extra bits (a length of 227..257, a distance past 16,384), so a match
   * goes out as ~48 bits at once, after any number of pending bits */
  {
    size_t n = 600000;
    for (size_t i = 0; i < n; i++) {
      uint32_t r = next_random() % 1000;
      buf[i] = (unsigned char)(r < 500 ? 1 : r < 750 ? 2 : r < 875 ? 3 : 4 + r % 60);
    }
    for (size_t at = 40000; at + 300 < n; at += 3001 + next_random() % 2000) {
      size_t length = 227 + next_random() % 31, distance = 16385 + next_random() % 16000;
      memcpy(buf + at, buf + at - distance, length);
    }
    round_trip("rare long matches", buf, n);
  }

  /* every match length and many distances */
  for (size_t i = 0; i < BIG; i++) buf[i] = (unsigned char)(i % 251 == 0 ? next_random() : (i % (3 + i / 4096 % 300)));
  round_trip("patterns", buf, BIG);

  CHECK(deflate_fast_bound(SIZE_MAX) == 0);
  free(buf);
  return check_done("test_deflate");
}
