/* libFuzzer harness for src/base64.c: strict decoding must be the exact inverse of encoding.
 * Any input is decoded (a success must re-encode to the same text) and encoded (it must
 * decode back to the same bytes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* decode(text) → bytes → encode must give text back (the decoder is canonical) */
  unsigned char *out = malloc(base64_decoded_max(size) + 1);
  if (out == NULL) return 0;
  size_t outlen = 0, bad = (size_t)-1;
  if (base64_decode((const char *)data, size, out, &outlen, &bad) == 0) {
    if (outlen > base64_decoded_max(size)) abort();
    char *again = malloc(base64_encoded_len(outlen) + 1);
    if (again == NULL) abort();
    base64_encode(out, outlen, again);
    if (base64_encoded_len(outlen) != size || memcmp(again, data, size) != 0) abort();
    free(again);
  } else if (bad > size) {
    abort(); /* the offending offset lies inside the input, or is its length when truncated */
  }
  free(out);

  /* encode(bytes) → decode must give the bytes back */
  size_t elen = base64_encoded_len(size);
  if (size > 0 && elen == 0) abort();
  char *enc = malloc(elen + 1);
  unsigned char *dec = malloc(base64_decoded_max(elen) + 1);
  if (enc == NULL || dec == NULL) abort();
  base64_encode(data, size, enc);
  size_t dlen = 0;
  if (base64_decode(enc, elen, dec, &dlen, &bad) != 0 || dlen != size || memcmp(dec, data, size) != 0) abort();
  free(enc);
  free(dec);
  return 0;
}
