/* A fast zlib-stream (RFC 1950/1951) compressor for PNG-filtered chart images: pure C, no Lua. */
#ifndef CHARTD_DEFLATE_H
#define CHARTD_DEFLATE_H

#include <stddef.h>

/* Output bytes deflate_fast may need for n input bytes, whatever the input (0 on overflow). */
size_t deflate_fast_bound(size_t n);

/* Bytes of working memory deflate_fast needs (its hash table and token buffer). */
size_t deflate_fast_work_size(void);

/* Compresses in[0..n) into a complete zlib stream at out (at least deflate_fast_bound(n)
 * bytes), using work (deflate_fast_work_size() bytes, aligned for uint32_t) for its tables:
 * it allocates nothing, so a caller that keeps work between calls pays no page faults.
 * Returns the stream's length, or 0 when n is 4 GiB or more.
 * Made for rows of a PNG "Up" filter, which are mostly zeros: smaller than zlib level 1
 * there and several times faster, and never much larger than storing the input. */
size_t deflate_fast(const unsigned char *in, size_t n, unsigned char *out, void *work);

#endif
