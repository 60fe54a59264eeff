/* A fast zlib-stream compressor for PNG-filtered chart images (RFC 1950 / RFC 1951).
 *
 * Why not zlib: after the PNG "Up" filter an 800x600 chart is ~95% zero bytes, yet zlib's
 * level 1 spends about the same time on every byte (2.3 ms for the 1.44 MB of a bar chart,
 * two thirds of a whole render). Here zero runs are found 16 bytes at a time (SSE2) and coded as
 * distance-1 matches; the sparse detail between them goes through a one-probe hash match
 * finder (zlib level 1's idea); every 64K tokens become one dynamic-Huffman block, or a
 * stored block when that is smaller, so the output never grows much past the input. */
#include "deflate.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum {
  WINDOW = 32768,
  MAX_MATCH = 258,
  HASH_BITS = 15,
  BLOCK_TOKENS = 1 << 16,
  LITLEN_SYMS = 286,
  DIST_SYMS = 30,
  CL_SYMS = 19,
  MAX_BITS = 15,
  MAX_CL_BITS = 7,
  STORED_MAX = 65535,
  ADLER_MOD = 65521,
  ADLER_NMAX = 5552, /* bytes before b can overflow 32 bits (zlib's NMAX) */
};
#define NO_POS UINT32_MAX

/* ---- bit output, least significant bit first ---- */

typedef struct bits {
  unsigned char *out;
  size_t pos;
  uint64_t acc;
  int n;
} bits;

/* Branch-free: every call stores all 8 bytes of the accumulator and moves on by the whole
 * bytes it holds, so fewer than 8 bits stay pending (the writer's output has 8 bytes of slack,
 * see deflate_fast_bound). A branch on "32 bits ready" was mispredicted every few symbols,
 * which made writing the symbols a quarter of the encoding. count + 7 <= 64. */
static inline void put(bits *w, uint64_t value, int count) {
  w->acc |= value << w->n;
  w->n += count;
  uint64_t le = w->acc;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  le = __builtin_bswap64(le);
#endif
  memcpy(w->out + w->pos, &le, sizeof le);
  int bytes = w->n >> 3;
  w->pos += (size_t)bytes;
  w->acc >>= bytes * 8;
  w->n &= 7;
}

/* Pads to a byte boundary: the pending bits were stored by the last put. */
static void align_byte(bits *w) {
  if (w->n > 0) w->pos++;
  w->acc = 0;
  w->n = 0;
}

/* ---- Huffman codes ---- */

typedef struct code {
  uint16_t bits; /* bit-reversed, ready for put() */
  uint8_t len;
} code;

typedef struct weighted {
  uint32_t weight;
  uint16_t sym;
} weighted;

static int by_weight(const void *a, const void *b) {
  const weighted *x = a, *y = b;
  if (x->weight != y->weight) return x->weight < y->weight ? -1 : 1;
  return x->sym < y->sym ? -1 : x->sym > y->sym;
}

/* Huffman code lengths for freq[0..n) (n <= LITLEN_SYMS), none longer than max_bits; unused
 * symbols get 0. At least two symbols get a code, as zlib does: decoders expect a complete
 * code, and a lone distance code still takes one bit. */
static void build_lengths(const uint32_t *freq, int n, int max_bits, uint8_t *len) {
  weighted leaf[LITLEN_SYMS];
  int m = 0;
  for (int s = 0; s < n; s++) {
    len[s] = 0;
    if (freq[s]) leaf[m++] = (weighted){freq[s], (uint16_t)s};
  }
  for (int s = 0; m < 2; s++) {
    if (freq[s] == 0) leaf[m++] = (weighted){1, (uint16_t)s};
  }
  qsort(leaf, (size_t)m, sizeof leaf[0], by_weight);

  /* Two-queue Huffman: leaves in weight order, internal nodes made in weight order. */
  uint32_t weight[2 * LITLEN_SYMS];
  int parent[2 * LITLEN_SYMS], depth[2 * LITLEN_SYMS];
  for (int i = 0; i < m; i++) weight[i] = leaf[i].weight;
  int next_leaf = 0, next_node = m;
  for (int node = m; node < 2 * m - 1; node++) {
    int pick[2];
    for (int k = 0; k < 2; k++) {
      bool take_leaf = next_leaf < m && (next_node >= node || weight[next_leaf] <= weight[next_node]);
      pick[k] = take_leaf ? next_leaf++ : next_node++;
    }
    weight[node] = weight[pick[0]] + weight[pick[1]];
    parent[pick[0]] = parent[pick[1]] = node;
  }
  depth[2 * m - 2] = 0;
  for (int i = 2 * m - 3; i >= 0; i--) depth[i] = depth[parent[i]] + 1;

  /* Clamp to max_bits, then restore the Kraft sum by moving codes down one level at a time
   * (each step keeps the number of codes and lowers the sum by one unit of 2^-max_bits). */
  uint32_t count[MAX_BITS + 1] = {0};
  for (int i = 0; i < m; i++) count[depth[i] > max_bits ? max_bits : depth[i]]++;
  uint32_t total = 0;
  for (int b = 1; b <= max_bits; b++) total += count[b] << (max_bits - b);
  while (total > (1u << max_bits)) {
    count[max_bits]--;
    for (int b = max_bits - 1; b > 0; b--) {
      if (count[b]) {
        count[b]--;
        count[b + 1] += 2;
        break;
      }
    }
    total--;
  }
  /* The rarest symbols (front of leaf[]) get the longest codes. */
  int i = 0;
  for (int b = max_bits; b > 0; b--)
    for (uint32_t k = 0; k < count[b]; k++) len[leaf[i++].sym] = (uint8_t)b;
}

static uint16_t reverse_bits(unsigned v, int n) {
  unsigned r = 0;
  for (int i = 0; i < n; i++, v >>= 1) r = (r << 1) | (v & 1);
  return (uint16_t)r;
}

/* Canonical codes from lengths (RFC 1951 3.2.2). */
static void assign_codes(const uint8_t *len, int n, code *out) {
  unsigned count[MAX_BITS + 1] = {0}, next[MAX_BITS + 1];
  for (int s = 0; s < n; s++) count[len[s]]++;
  count[0] = 0;
  unsigned c = 0;
  for (int b = 1; b <= MAX_BITS; b++) {
    c = (c + count[b - 1]) << 1;
    next[b] = c;
  }
  for (int s = 0; s < n; s++) {
    out[s].len = len[s];
    out[s].bits = len[s] ? reverse_bits(next[len[s]]++, len[s]) : 0;
  }
}

/* ---- length and distance symbols (RFC 1951 3.2.5) ---- */

static int floor_log2(unsigned v) { return 31 - __builtin_clz(v); }

/* The symbol of a match length (3..258) or distance (1..32768), and the value of the extra
 * bits that follow it (how many: length_extra_bits / distance_extra_bits of the symbol). */
static unsigned length_symbol(unsigned length, unsigned *extra) {
  unsigned l = length - 3;
  *extra = 0;
  if (length == MAX_MATCH) return 285;
  if (l < 8) return 257 + l;
  int e = floor_log2(l) - 2;
  *extra = l & ((1u << e) - 1);
  return 257 + 4 * (unsigned)(e + 1) + ((l >> e) & 3);
}

static unsigned distance_symbol(unsigned distance, unsigned *extra) {
  unsigned v = distance - 1;
  *extra = 0;
  if (v < 4) return v;
  int e = floor_log2(v) - 1;
  *extra = v & ((1u << e) - 1);
  return 2 * (unsigned)(e + 1) + ((v >> e) & 1);
}

static int length_extra_bits(unsigned sym) { return sym >= 265 && sym < 285 ? (int)(sym - 261) / 4 : 0; }
static int distance_extra_bits(unsigned sym) { return sym < 4 ? 0 : (int)sym / 2 - 1; }

/* ---- tokens and blocks ---- */

/* A token is a literal byte, or a match with its symbols and extra bits worked out once:
 * bit 31 set, length symbol - 257 in bits 0-4, distance symbol in 5-9, the length's extra
 * value in 10-14 and the distance's in 15-27. Symbol frequencies are counted as tokens are
 * made, so writing a block is one pass. */
#define MATCH_FLAG 0x80000000u

typedef struct encoder {
  bits w;
  const unsigned char *in;
  uint32_t *tokens;
  size_t ntokens;
  uint32_t lfreq[LITLEN_SYMS], dfreq[DIST_SYMS];
} encoder;

static void add_literal(encoder *e, unsigned char byte) {
  e->tokens[e->ntokens++] = byte;
  e->lfreq[byte]++;
}

static uint32_t match_token(unsigned length, unsigned distance) {
  unsigned lextra, dextra;
  unsigned lsym = length_symbol(length, &lextra), dsym = distance_symbol(distance, &dextra);
  return MATCH_FLAG | (lsym - 257) | dsym << 5 | lextra << 10 | dextra << 15;
}

/* The token of a match of each length at distance 1 (distance symbol 0, no extra bits): a
 * chart's zero runs, thousands an image, take it from here; other distances add theirs. */
static void length_tokens(uint32_t *token) {
  for (unsigned length = 3; length <= MAX_MATCH; length++) token[length] = match_token(length, 1);
}

static uint32_t match_token_from(const uint32_t *length_token, unsigned length, unsigned distance) {
  unsigned dextra, dsym = distance_symbol(distance, &dextra);
  return length_token[length] | dsym << 5 | dextra << 15;
}

static void add_match(encoder *e, uint32_t token) {
  e->tokens[e->ntokens++] = token;
  e->lfreq[257 + (token & 31)]++;
  e->dfreq[(token >> 5) & 31]++;
}

/* The code-length alphabet's symbols for the concatenated lengths (RFC 1951 3.2.7):
 * 16 repeats the previous length 3-6 times, 17 and 18 give 3-10 and 11-138 zeros. */
typedef struct cl_item {
  uint8_t sym, extra;
} cl_item;

static int run_length_encode(const uint8_t *lens, int n, cl_item *items, uint32_t *freq) {
  int k = 0;
  for (int i = 0; i < n;) {
    uint8_t v = lens[i];
    int run = 1;
    while (i + run < n && lens[i + run] == v) run++;
    i += run;
    if (v == 0) {
      while (run >= 11) {
        int r = run > 138 ? 138 : run;
        items[k++] = (cl_item){18, (uint8_t)(r - 11)};
        run -= r;
      }
      if (run >= 3) {
        items[k++] = (cl_item){17, (uint8_t)(run - 3)};
        run = 0;
      }
    } else {
      items[k++] = (cl_item){v, 0};
      run--;
      while (run >= 3) {
        int r = run > 6 ? 6 : run;
        items[k++] = (cl_item){16, (uint8_t)(r - 3)};
        run -= r;
      }
    }
    for (; run > 0; run--) items[k++] = (cl_item){v, 0};
  }
  for (int j = 0; j < k; j++) freq[items[j].sym]++;
  return k;
}

static const uint8_t CL_ORDER[CL_SYMS] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
static const uint8_t CL_EXTRA[CL_SYMS] = {[16] = 2, [17] = 3, [18] = 7};

static void put_stored(encoder *e, size_t start, size_t end) {
  do {
    size_t n = end - start > STORED_MAX ? STORED_MAX : end - start;
    put(&e->w, 0, 3); /* BFINAL 0, BTYPE 00 */
    align_byte(&e->w);
    put(&e->w, (uint32_t)n, 16);
    put(&e->w, (uint32_t)n ^ 0xFFFFu, 16);
    memcpy(e->w.out + e->w.pos, e->in + start, n);
    e->w.pos += n;
    start += n;
  } while (start < end);
}

static void reset_block(encoder *e) {
  e->ntokens = 0;
  memset(e->lfreq, 0, sizeof e->lfreq);
  memset(e->dfreq, 0, sizeof e->dfreq);
}

/* Writes the tokens gathered for in[start..end) as one dynamic-Huffman block, or as stored
 * blocks when those are no larger. */
static void flush_block(encoder *e, size_t start, size_t end) {
  uint32_t *lfreq = e->lfreq, *dfreq = e->dfreq;
  lfreq[256] = 1;

  uint8_t lens[LITLEN_SYMS + DIST_SYMS];
  build_lengths(lfreq, LITLEN_SYMS, MAX_BITS, lens);
  build_lengths(dfreq, DIST_SYMS, MAX_BITS, lens + LITLEN_SYMS);
  int hlit = LITLEN_SYMS, hdist = DIST_SYMS;
  while (hlit > 257 && lens[hlit - 1] == 0) hlit--;
  while (hdist > 1 && lens[LITLEN_SYMS + hdist - 1] == 0) hdist--;
  uint8_t all[LITLEN_SYMS + DIST_SYMS];
  memcpy(all, lens, (size_t)hlit);
  memcpy(all + hlit, lens + LITLEN_SYMS, (size_t)hdist);
  cl_item items[LITLEN_SYMS + DIST_SYMS];
  uint32_t cfreq[CL_SYMS] = {0};
  int nitems = run_length_encode(all, hlit + hdist, items, cfreq);
  uint8_t clens[CL_SYMS];
  build_lengths(cfreq, CL_SYMS, MAX_CL_BITS, clens);
  int hclen = CL_SYMS;
  while (hclen > 4 && clens[CL_ORDER[hclen - 1]] == 0) hclen--;

  /* Exact size of the dynamic block against an upper bound for stored ones. */
  uint64_t dyn = 3 + 5 + 5 + 4 + 3 * (uint64_t)hclen;
  for (int s = 0; s < CL_SYMS; s++) dyn += (uint64_t)cfreq[s] * (clens[s] + CL_EXTRA[s]);
  for (int s = 0; s < LITLEN_SYMS; s++) dyn += (uint64_t)lfreq[s] * (lens[s] + length_extra_bits((unsigned)s));
  for (int s = 0; s < DIST_SYMS; s++) dyn += (uint64_t)dfreq[s] * (lens[LITLEN_SYMS + s] + distance_extra_bits((unsigned)s));
  size_t chunks = (end - start + STORED_MAX - 1) / STORED_MAX;
  uint64_t stored = 8 * ((uint64_t)(end - start) + 6 * (chunks ? chunks : 1));
  if (dyn > stored) {
    put_stored(e, start, end);
    reset_block(e);
    return;
  }

  code lcode[LITLEN_SYMS], dcode[DIST_SYMS], ccode[CL_SYMS];
  assign_codes(lens, LITLEN_SYMS, lcode);
  assign_codes(lens + LITLEN_SYMS, DIST_SYMS, dcode);
  assign_codes(clens, CL_SYMS, ccode);
  put(&e->w, 2 << 1, 3); /* BFINAL 0, BTYPE 10 */
  put(&e->w, (uint32_t)(hlit - 257), 5);
  put(&e->w, (uint32_t)(hdist - 1), 5);
  put(&e->w, (uint32_t)(hclen - 4), 4);
  for (int i = 0; i < hclen; i++) put(&e->w, clens[CL_ORDER[i]], 3);
  for (int i = 0; i < nitems; i++) {
    put(&e->w, ccode[items[i].sym].bits, ccode[items[i].sym].len);
    if (CL_EXTRA[items[i].sym]) put(&e->w, items[i].extra, CL_EXTRA[items[i].sym]);
  }
  /* A match's four fields (at most 15 + 5 + 15 + 13 bits) go out in one put. The writer is a
   * local here so that its fields stay in registers (through e, every store to the output
   * made the compiler reload them). */
  bits w = e->w;
  const uint32_t *tokens = e->tokens;
  /* per length and distance symbol of this block: its code's length, and its code's and extra
   * bits' length (where the distance starts, where the match ends) */
  uint8_t lcode_len[29], lcode_end[29], dcode_len[DIST_SYMS], dcode_end[DIST_SYMS];
  for (unsigned k = 0; k < 29; k++) {
    lcode_len[k] = lcode[257 + k].len;
    lcode_end[k] = (uint8_t)(lcode[257 + k].len + length_extra_bits(257 + k));
  }
  for (unsigned k = 0; k < DIST_SYMS; k++) {
    dcode_len[k] = dcode[k].len;
    dcode_end[k] = (uint8_t)(dcode[k].len + distance_extra_bits(k));
  }
  for (size_t t = 0, nt = e->ntokens; t < nt; t++) {
    uint32_t tok = tokens[t];
    if (!(tok & MATCH_FLAG)) {
      put(&w, lcode[tok].bits, lcode[tok].len);
      continue;
    }
    unsigned l = tok & 31, d = (tok >> 5) & 31;
    int ln = lcode_len[l], le = lcode_end[l];
    uint64_t v = lcode[257 + l].bits | (uint64_t)((tok >> 10) & 31) << ln | (uint64_t)dcode[d].bits << le |
                 (uint64_t)((tok >> 15) & 0x1FFF) << (le + dcode_len[d]);
    put(&w, v, le + dcode_end[d]);
  }
  put(&w, lcode[256].bits, lcode[256].len);
  e->w = w;
  reset_block(e);
}

/* ---- scanning the input ---- */

static uint32_t read32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* Which of the 16 bytes at p are zero, a bit each (SSE2: one compare); 0xFFFF: all. */
#if defined(__SSE2__)
static inline unsigned zero_mask16(const unsigned char *p) {
  return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), _mm_setzero_si128()));
}

/* Whether the 64 bytes at p are all zero. */
static inline bool all_zero64(const unsigned char *p) {
  const __m128i *v = (const __m128i *)(const void *)p;
  __m128i any = _mm_or_si128(_mm_or_si128(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
                             _mm_or_si128(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
  return _mm_movemask_epi8(_mm_cmpeq_epi8(any, _mm_setzero_si128())) == 0xFFFF;
}
#endif

/* Zero bytes at p[0..n), 16 bytes at a time where SSE2 is there, else a machine word. */
static size_t zero_run(const unsigned char *p, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  while (i + 64 <= n && all_zero64(p + i)) i += 64; /* a chart's blank stretches */
  for (; i + 16 <= n; i += 16) {
    unsigned zeros = zero_mask16(p + i);
    if (zeros != 0xFFFFu) return i + (size_t)__builtin_ctz(~zeros);
  }
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    memcpy(&v, p + i, sizeof v);
    if (v != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
      return i + (size_t)(__builtin_clzll(v) / 8);
#else
      return i + (size_t)(__builtin_ctzll(v) / 8);
#endif
    }
  }
  while (i < n && p[i] == 0) i++;
  return i;
}

/* Length of the common prefix of a[0..n) and b[0..n), a machine word at a time. */
static size_t common_prefix(const unsigned char *a, const unsigned char *b, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    memcpy(&x, a + i, sizeof x);
    memcpy(&y, b + i, sizeof y);
    if (x != y) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
      return i + (size_t)(__builtin_clzll(x ^ y) / 8);
#else
      return i + (size_t)(__builtin_ctzll(x ^ y) / 8);
#endif
    }
  }
  while (i < n && a[i] == b[i]) i++;
  return i;
}

/* Adler-32 (RFC 1950) with zero runs of 8+ bytes in closed form: a stays, b grows by a each.
 * (Kept as a second pass: updating it token by token in the main loop measured slower.) */
static uint32_t adler32_sparse(const unsigned char *p, size_t n) {
  uint64_t a = 1, b = 0;
  size_t i = 0;
#if defined(__SSE2__)
  /* 16 bytes at a time: a block of zeros in closed form, any other in one step (the sum of its
   * bytes, and their sum weighted 16..1). Sums stay far below 2^64 over the 4,096 bytes between
   * reductions (a < 2^21, b < 2^33). */
  const __m128i ADLER_WEIGHT_LO = _mm_setr_epi16(16, 15, 14, 13, 12, 11, 10, 9),
                ADLER_WEIGHT_HI = _mm_setr_epi16(8, 7, 6, 5, 4, 3, 2, 1);
  while (i + 16 <= n) {
    size_t stop = n - i > 4096 ? i + 4096 : n;
    for (; i + 16 <= stop; i += 16) {
      if (i + 64 <= stop && all_zero64(p + i)) { /* most of a chart: four blocks in one test */
        b += 64 * a;
        i += 48;
        continue;
      }
      if (zero_mask16(p + i) == 0xFFFFu) {
        b += 16 * a;
        continue;
      }
      /* byte by byte, a += p[k] and b += a: b grows by 16 a, by p[0] 16 times, ..., p[15] once */
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i)), zero = _mm_setzero_si128();
      __m128i sum = _mm_sad_epu8(v, zero);
      __m128i wsum = _mm_add_epi32(_mm_madd_epi16(_mm_unpacklo_epi8(v, zero), ADLER_WEIGHT_LO),
                                   _mm_madd_epi16(_mm_unpackhi_epi8(v, zero), ADLER_WEIGHT_HI));
      wsum = _mm_add_epi32(wsum, _mm_shuffle_epi32(wsum, _MM_SHUFFLE(1, 0, 3, 2)));
      wsum = _mm_add_epi32(wsum, _mm_shuffle_epi32(wsum, _MM_SHUFFLE(2, 3, 0, 1)));
      b += 16 * a + (uint32_t)_mm_cvtsi128_si32(wsum);
      a += (uint32_t)_mm_cvtsi128_si32(sum) + (uint32_t)_mm_extract_epi16(sum, 4);
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
#endif
  while (i < n) {
    size_t stop = n - i > ADLER_NMAX ? i + ADLER_NMAX : n;
    while (i < stop && !(p[i] == 0 && n - i >= 8 && zero_run(p + i, 8) == 8)) {
      a += p[i++];
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
    if (i < stop) {
      size_t run = zero_run(p + i, n - i);
      b = (b + a * (uint64_t)run) % ADLER_MOD;
      i += run;
    }
  }
  return (uint32_t)(b << 16 | a);
}

size_t deflate_fast_bound(size_t n) {
  /* Stored blocks cost 6 bytes per 64K and a block boundary can split one: n/4096 is ample. */
  size_t extra = n / 4096 + 64; /* 64 also covers the bit writer's 8 bytes stored ahead */
  return n > SIZE_MAX - extra ? 0 : n + extra;
}

size_t deflate_fast_work_size(void) { return sizeof(uint32_t) * ((1u << HASH_BITS) + BLOCK_TOKENS); }

size_t deflate_fast(const unsigned char *in, size_t n, unsigned char *out, void *work) {
  if (n >= NO_POS) return 0; /* positions are 32-bit */
  uint32_t *head = work;
  encoder e = {.w = {.out = out}, .in = in, .tokens = head + (1u << HASH_BITS)};
  memset(head, 0xFF, sizeof(uint32_t) << HASH_BITS);
  out[0] = 0x78; /* deflate, 32K window */
  out[1] = 0x01; /* fastest; (0x78 << 8 | 0x01) % 31 == 0 */
  e.w.pos = 2;

  uint32_t length_token[MAX_MATCH + 1];
  length_tokens(length_token);
  size_t i = 0, block_start = 0, misses = 0;
  while (i < n) {
    if (e.ntokens >= BLOCK_TOKENS) {
      flush_block(&e, block_start, i);
      block_start = i;
    }
    /* Inside a zero run: distance-1 matches of up to 258 bytes. */
    if (in[i] == 0 && i > 0 && in[i - 1] == 0) {
      size_t length = zero_run(in + i, n - i > MAX_MATCH ? MAX_MATCH : n - i);
      if (length >= 3) {
        add_match(&e, length_token[length]);
        i += length;
        misses = 0;
        continue;
      }
    }
    /* Elsewhere: one probe of a hash of the next four bytes — at every other byte once 32
     * probes in a row found nothing (dense detail, e.g. thousands of markers, is mostly
     * literals: probing it all cost more than the matches saved). */
    if (i + 4 <= n && (misses < 32 || (i & 1) == 0)) {
      uint32_t here = read32(in + i);
      uint32_t h = (here * 2654435761u) >> (32 - HASH_BITS);
      uint32_t cand = head[h];
      head[h] = (uint32_t)i;
      if (cand != NO_POS && i - cand <= WINDOW && read32(in + cand) == here) {
        size_t limit = n - i > MAX_MATCH ? MAX_MATCH : n - i;
        size_t length = 4 + common_prefix(in + cand + 4, in + i + 4, limit - 4);
        add_match(&e, match_token_from(length_token, (unsigned)length, (unsigned)(i - cand)));
        i += length;
        misses = 0;
        continue;
      }
      misses++;
    }
    add_literal(&e, in[i++]);
  }
  if (e.ntokens > 0) flush_block(&e, block_start, n);
  put(&e.w, 1 | 1 << 1, 3); /* the final block: BFINAL 1, fixed Huffman, empty */
  put(&e.w, 0, 7);          /* end of block (symbol 256 is seven zero bits) */
  align_byte(&e.w);
  uint32_t adler = adler32_sparse(in, n);
  for (int k = 3; k >= 0; k--) out[e.w.pos++] = (unsigned char)(adler >> (8 * k));
  return e.w.pos;
}
