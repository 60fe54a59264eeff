/* PNG encoder for cairo ARGB32 surfaces: the Up filter in one pass over the pixels, then deflate.
 *
 * Measured on the 800x600 chart samples (docs/BENCHMARKS.md): libpng's row-at-a-time writer
 * with zlib level 1 took ~3 ms, of which zlib 2.3 ms and libpng's conversion and filtering
 * the rest. Here conversion and filter are one pass that writes zeros wherever a pixel equals
 * the one above (most of a chart), and level 1 goes to deflate_fast (src/deflate.c), which
 * skips those zeros a word at a time. Other levels use zlib on the same filtered rows. */
#include "png_write.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "deflate.h"

enum { FILTER_SUB = 1, FILTER_UP = 2, COLOR_RGB = 2, COLOR_RGBA = 6 };

void png_buffer_free(png_buffer *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

static const uint32_t *row_at(const unsigned char *data, int stride, int y) {
  return (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
}

/* One pixel's Up-filtered RGB bytes: channel differences modulo 256. */
static void filter_pixel(uint32_t p, uint32_t q, unsigned char *dst) {
  dst[0] = (unsigned char)((p >> 16) - (q >> 16));
  dst[1] = (unsigned char)((p >> 8) - (q >> 8));
  dst[2] = (unsigned char)(p - q);
}

/* Whether a row (not the first) is better filtered by Sub than by Up: at every 7th pixel, is it
 * more often equal to its left neighbour than to the one above? Only the size and speed of the
 * compression depend on the answer, so a sample suffices. */
static bool sub_is_better(const uint32_t *row, const uint32_t *above, int width) {
  int up = 0, sub = 0;
  for (int x = 1; x < width; x += 7) {
    up += row[x] != above[x];
    sub += row[x] != row[x - 1];
  }
  return sub < up;
}

/* Filtered RGB rows straight from opaque pixels. Most pixels of a chart equal the one above, and
 * take the Up filter: whole rows are compared at once, other pixels four at a time where SSE2
 * is there, then two at a time (a 16- or 8-byte store of zeros of which 12 or 6 bytes count;
 * dst has room past the last row, see png_write_argb32). Only pixels that differ from their
 * reference have their alpha checked: the reference (above, or to the left) was checked first.
 * A row that differs from the one above in more pixels than from its left neighbours (the first
 * row, a gridline, the edge of a bar or of a heatmap's row of cells) takes the Sub filter, so
 * that it too is mostly zeros for deflate_fast to skip.
 * Returns false (leaving dst half-written) when a pixel is not opaque. */
static bool filter_opaque(const unsigned char *data, int width, int height, int stride, unsigned char *dst) {
  static const uint64_t ZERO = 0;
  for (int y = 0; y < height; y++) {
    const uint32_t *row = row_at(data, stride, y), *above = y > 0 ? row_at(data, stride, y - 1) : NULL;
    uint32_t alpha = 0xFF000000u;
    if (above && memcmp(row, above, (size_t)width * 4) == 0) { /* a row like the one above */
      *dst++ = FILTER_UP;
      memset(dst, 0, (size_t)width * 3);
      dst += (size_t)width * 3;
      continue;
    }
    /* the reference of each pixel: the one above (Up) or the one to its left (Sub) */
    const uint32_t *ref = above;
    if (!above || sub_is_better(row, above, width)) ref = row - 1;
    *dst++ = ref == above ? FILTER_UP : FILTER_SUB;
    int x = 0;
    if (ref == row - 1) { /* the first pixel has nothing to its left */
      alpha &= row[0];
      filter_pixel(row[0], 0, dst);
      x = 1;
      dst += 3;
    }
#if defined(__SSE2__)
    for (; x + 4 <= width; x += 4, dst += 12) {
      __m128i p = _mm_loadu_si128((const __m128i *)(const void *)(row + x));
      __m128i q = _mm_loadu_si128((const __m128i *)(const void *)(ref + x));
      if (_mm_movemask_epi8(_mm_cmpeq_epi8(p, q)) == 0xFFFF) {
        _mm_storeu_si128((__m128i *)(void *)dst, _mm_setzero_si128());
        continue;
      }
      for (int k = 0; k < 4; k++) {
        alpha &= row[x + k];
        filter_pixel(row[x + k], ref[x + k], dst + 3 * k);
      }
    }
#endif
    for (; x + 2 <= width; x += 2, dst += 6) {
      uint64_t p, q;
      memcpy(&p, row + x, 8);
      memcpy(&q, ref + x, 8);
      if (p == q) {
        memcpy(dst, &ZERO, 8);
      } else {
        alpha &= (uint32_t)(p & (p >> 32));
        filter_pixel(row[x], ref[x], dst);
        filter_pixel(row[x + 1], ref[x + 1], dst + 3);
      }
    }
    for (; x < width; x++, dst += 3) {
      alpha &= row[x];
      filter_pixel(row[x], ref[x], dst);
    }
    if ((alpha & 0xFF000000u) != 0xFF000000u) return false;
  }
  return true;
}

/* cairo stores premultiplied alpha; PNG wants straight alpha. */
static void unpremultiply_row(const uint32_t *src, unsigned char *dst, int width) {
  for (int x = 0; x < width; x++) {
    uint32_t p = src[x];
    unsigned a = p >> 24, r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF;
    if (a == 0) {
      r = g = b = 0;
    } else if (a < 255) {
      r = (r * 255 + a / 2) / a;
      g = (g * 255 + a / 2) / a;
      b = (b * 255 + a / 2) / a;
    }
    *dst++ = (unsigned char)r;
    *dst++ = (unsigned char)g;
    *dst++ = (unsigned char)b;
    *dst++ = (unsigned char)a;
  }
}

/* Up-filtered straight-alpha RGBA rows; the previous row's bytes are kept in dst itself. */
static void filter_rgba(const unsigned char *data, int width, int height, int stride, unsigned char *dst) {
  size_t n = (size_t)width * 4, rowbytes = n + 1;
  for (int y = 0; y < height; y++) {
    unsigned char *out = dst + (size_t)y * rowbytes;
    out[0] = FILTER_UP;
    unpremultiply_row(row_at(data, stride, y), out + 1, width);
  }
  /* Bottom-up, so each row still sees the unfiltered row above it. */
  for (int y = height - 1; y > 0; y--) {
    unsigned char *out = dst + (size_t)y * rowbytes + 1;
    const unsigned char *up = out - rowbytes;
    for (size_t i = 0; i < n; i++) out[i] = (unsigned char)(out[i] - up[i]);
  }
}

static void put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* Fills in a chunk whose data (len bytes) already sits at p + 8: length, type and CRC. */
static size_t finish_chunk(unsigned char *p, const char *type, size_t len) {
  put32(p, (uint32_t)len);
  memcpy(p + 4, type, 4);
  put32(p + 8 + len, (uint32_t)crc32(0, p + 4, (uInt)(len + 4)));
  return len + 12;
}

void png_scratch_free(png_scratch *s) {
  free(s->data);
  s->data = NULL;
  s->cap = 0;
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

int png_write_argb32(const unsigned char *data, int width, int height, int stride, int compression_level,
                     png_scratch *scratch, png_buffer *out, char *err, size_t errlen) {
  out->data = NULL;
  out->len = out->cap = 0;
  if (width <= 0 || height <= 0 || stride / 4 < width || compression_level < 0 || compression_level > 9) {
    snprintf(err, errlen, "png: invalid arguments");
    return -1;
  }
  /* Rows of 1 + 4 * width bytes; the zlib stream, chunk lengths and crc32 take 31 bits. */
  if ((size_t)width > (INT32_MAX - 1) / 4 || (size_t)height > INT32_MAX / ((size_t)width * 4 + 1)) {
    snprintf(err, errlen, "png: image too large");
    return -1;
  }
  /* Working memory: the filtered rows (sized for RGBA, which also leaves filter_opaque its
   * slack), deflate_fast's tables, and the zlib stream. */
  size_t rows_cap = align8(((size_t)width * 4 + 1) * (size_t)height);
  size_t raw_max = rows_cap;
  size_t bound = compression_level == 1 ? deflate_fast_bound(raw_max) : compressBound((uLong)raw_max);
  size_t work = compression_level == 1 ? align8(deflate_fast_work_size()) : 0;
  size_t need = rows_cap + work + bound;
  png_scratch local = {0};
  if (scratch == NULL) scratch = &local;
  if (scratch->cap < need) {
    png_scratch_free(scratch);
    scratch->data = malloc(need);
    if (scratch->data == NULL) {
      snprintf(err, errlen, "png: out of memory");
      return -1;
    }
    scratch->cap = need;
  }
  unsigned char *rows = scratch->data, *z = scratch->data + rows_cap + work;

  size_t rowbytes = (size_t)width * 3 + 1;
  bool opaque = filter_opaque(data, width, height, stride, rows);
  if (!opaque) {
    rowbytes = (size_t)width * 4 + 1;
    filter_rgba(data, width, height, stride, rows);
  }
  size_t raw = rowbytes * (size_t)height, zlen;
  if (compression_level == 1) {
    zlen = deflate_fast(rows, raw, z, rows + rows_cap);
  } else {
    uLongf n = (uLongf)bound;
    zlen = compress2(z, &n, rows, (uLong)raw, compression_level) == Z_OK ? (size_t)n : 0;
  }
  if (zlen == 0 || zlen > INT32_MAX) {
    png_scratch_free(&local);
    snprintf(err, errlen, "png: compression failed");
    return -1;
  }

  /* signature, IHDR (25 bytes), IDAT (12 + zlen), IEND (12) */
  out->cap = 8 + 25 + 12 + zlen + 12;
  out->data = malloc(out->cap);
  if (out->data == NULL) {
    png_scratch_free(&local);
    out->cap = 0;
    snprintf(err, errlen, "png: out of memory");
    return -1;
  }
  unsigned char *p = out->data;
  memcpy(p, "\x89PNG\r\n\x1a\n", 8);
  put32(p + 16, (uint32_t)width);
  put32(p + 20, (uint32_t)height);
  memcpy(p + 24, (unsigned char[]){8, opaque ? COLOR_RGB : COLOR_RGBA, 0, 0, 0}, 5);
  memcpy(p + 8 + 25 + 8, z, zlen);
  size_t len = 8;
  len += finish_chunk(p + len, "IHDR", 13);
  len += finish_chunk(p + len, "IDAT", zlen);
  len += finish_chunk(p + len, "IEND", 0);
  out->len = len;
  png_scratch_free(&local);
  return 0;
}
