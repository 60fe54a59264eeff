/* libFuzzer harness for src/deflate.c: any input compresses within the bound and inflates
 * back exactly with zlib. The first byte picks a transform that makes the input look like
 * PNG rows (long zero runs), the case the encoder is tuned for. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "deflate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  /* mode 0: as given; 1: each byte b > 0 becomes a run of b zeros then the next byte */
  size_t n = size - 1;
  unsigned char *in = malloc(n * 256 + 1);
  if (data[0] % 2 == 0) {
    memcpy(in, data + 1, n);
  } else {
    size_t k = 0;
    for (size_t i = 1; i < size; i++) {
      if (data[i] & 1) {
        memset(in + k, 0, data[i]);
        k += data[i];
      } else {
        in[k++] = data[i];
      }
    }
    n = k;
  }
  size_t bound = deflate_fast_bound(n);
  unsigned char *out = malloc(bound), *back = malloc(n + 1);
  void *work = malloc(deflate_fast_work_size());
  size_t len = deflate_fast(in, n, out, work);
  if (len == 0 || len > bound) abort();
  uLongf got = (uLongf)n + 1;
  if (uncompress(back, &got, out, (uLong)len) != Z_OK || got != n || memcmp(back, in, n) != 0) abort();
  free(in);
  free(out);
  free(back);
  free(work);
  return 0;
}
