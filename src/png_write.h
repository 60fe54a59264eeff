/* PNG encoding of cairo ARGB32 pixels into a memory buffer: pure C, no Lua. */
#ifndef CHARTD_PNG_WRITE_H
#define CHARTD_PNG_WRITE_H

#include <stddef.h>

typedef struct png_buffer {
  unsigned char *data; /* malloc'd; free with png_buffer_free */
  size_t len, cap;
} png_buffer;

void png_buffer_free(png_buffer *b);

/* Working memory that one caller (one thread) may keep between encodes: an 800x600 PNG
 * needs ~3.5 MB of it, and fresh memory of that size costs more in page faults than the
 * encoding itself. Start zeroed; png_scratch_free releases it. */
typedef struct png_scratch {
  unsigned char *data;
  size_t cap;
} png_scratch;

void png_scratch_free(png_scratch *s);

/* Encodes width x height pixels of cairo's CAIRO_FORMAT_ARGB32 (native-endian uint32,
 * premultiplied alpha) as straight-alpha RGBA, or as RGB when every pixel is opaque (a
 * quarter less data). Rows use the PNG Up filter. compression_level 1 uses chartd's fast
 * deflate (src/deflate.c), 0 and 2..9 zlib at that level. scratch may be NULL (then the
 * working memory is allocated and freed here). On success returns 0 and fills *out
 * (caller frees); on failure returns -1, writes err and leaves *out empty. */
int png_write_argb32(const unsigned char *data, int width, int height, int stride, int compression_level,
                     png_scratch *scratch, png_buffer *out, char *err, size_t errlen);

#endif
