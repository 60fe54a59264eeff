/* PNG encoding of cairo ARGB32 pixels with libpng into a memory buffer: pure C, no Lua. */
#ifndef CHARTD_PNG_WRITE_H
#define CHARTD_PNG_WRITE_H

#include <stddef.h>

typedef struct png_buffer {
  unsigned char *data; /* malloc'd; free with png_buffer_free */
  size_t len, cap;
} png_buffer;

void png_buffer_free(png_buffer *b);

/* Encodes width x height pixels of cairo's CAIRO_FORMAT_ARGB32 (native-endian uint32,
 * premultiplied alpha) as straight-alpha RGBA, or as RGB when every pixel is opaque
 * (a third less data for zlib). compression_level is zlib's 0..9. On success returns 0
 * and fills *out (caller frees); on failure returns -1, writes err and leaves *out empty. */
int png_write_argb32(const unsigned char *data, int width, int height, int stride,
                     int compression_level, png_buffer *out, char *err, size_t errlen);

#endif
