/* PNG encoder for cairo ARGB32 surfaces via libpng directly (2-3x faster than cairo's writer). */
#include "png_write.h"

#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void png_buffer_free(png_buffer *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

typedef struct write_state {
  png_buffer *buf;
  char *err;
  size_t errlen;
} write_state;

static void on_write(png_structp png, png_bytep data, png_size_t len) {
  write_state *ws = png_get_io_ptr(png);
  png_buffer *b = ws->buf;
  if (len > SIZE_MAX - b->len) png_error(png, "PNG too large");
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 8192;
    while (cap < b->len + len) cap = cap > SIZE_MAX / 2 ? b->len + len : cap * 2;
    unsigned char *d = realloc(b->data, cap);
    if (d == NULL) png_error(png, "out of memory");
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

static void on_flush(png_structp png) { (void)png; }

static void on_error(png_structp png, png_const_charp msg) {
  write_state *ws = png_get_error_ptr(png);
  snprintf(ws->err, ws->errlen, "png: %s", msg);
  png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg) {
  (void)png;
  (void)msg;
}

static int all_opaque(const unsigned char *data, int width, int height, int stride) {
  for (int y = 0; y < height; y++) {
    const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
    for (int x = 0; x < width; x++)
      if ((row[x] >> 24) != 0xFF) return 0;
  }
  return 1;
}

/* cairo stores premultiplied alpha; PNG wants straight alpha. */
static void convert_row(const uint32_t *src, unsigned char *dst, int width, int opaque) {
  for (int x = 0; x < width; x++) {
    uint32_t p = src[x];
    unsigned a = p >> 24, r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF;
    if (opaque) {
      *dst++ = (unsigned char)r;
      *dst++ = (unsigned char)g;
      *dst++ = (unsigned char)b;
      continue;
    }
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

int png_write_argb32(const unsigned char *data, int width, int height, int stride,
                     int compression_level, png_buffer *out, char *err, size_t errlen) {
  write_state ws = {out, err, errlen};
  png_structp png = NULL;
  png_infop info = NULL;
  /* volatile: modified between setjmp and a possible longjmp (C11 7.13.2.1). */
  unsigned char *volatile row = NULL;
  out->data = NULL;
  out->len = out->cap = 0;
  if (width <= 0 || height <= 0 || stride < width * 4 || compression_level < 0 || compression_level > 9) {
    snprintf(err, errlen, "png: invalid arguments");
    return -1;
  }
  int opaque = all_opaque(data, width, height, stride);
  png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ws, on_error, on_warning);
  if (png == NULL) {
    snprintf(err, errlen, "png: out of memory");
    return -1;
  }
  info = png_create_info_struct(png);
  if (info == NULL) {
    png_destroy_write_struct(&png, NULL);
    snprintf(err, errlen, "png: out of memory");
    return -1;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    free(row);
    png_buffer_free(out);
    return -1;
  }
  png_set_write_fn(png, &ws, on_write, on_flush);
  png_set_compression_level(png, compression_level);
  /* One fixed filter, UP: on an 800x600 chart (scale 1 / 2, zlib 1 and 6) it encodes as fast
   * as NONE or SUB (2.6 / 4.6 ms at scale 1) but 20-30% smaller; PAETH is ~40% slower and
   * libpng's adaptive choice of all filters 2x slower for 7% less. Opaque images go out as RGB:
   * 20-25% faster than RGBA with smaller files. */
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
  png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
               opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
  png_write_info(png, info);
  row = malloc((size_t)width * 4);
  if (row == NULL) png_error(png, "out of memory");
  for (int y = 0; y < height; y++) {
    convert_row((const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride), row, width, opaque);
    png_write_row(png, row);
  }
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  free(row);
  return 0;
}
