/* RFC 4648 base64 (standard alphabet, '=' padding): pure C, no Lua. */
#ifndef CHARTD_BASE64_H
#define CHARTD_BASE64_H

#include <stddef.h>

/* Bytes needed to encode len input bytes (no NUL), or 0 if it would overflow size_t. */
size_t base64_encoded_len(size_t len);

/* Writes base64_encoded_len(len) bytes to out (no NUL terminator). */
void base64_encode(const unsigned char *in, size_t len, char *out);

/* Upper bound of decoded bytes for len input characters. */
size_t base64_decoded_max(size_t len);

/* Decodes strictly: no whitespace, length a multiple of 4, '=' only as final padding,
 * unused bits of the last symbol must be zero (canonical). Returns 0 and sets *outlen on
 * success; on failure returns -1 and sets *bad_offset to the byte offset of the first
 * offending character (len when the input is truncated). out needs base64_decoded_max(len). */
int base64_decode(const char *in, size_t len, unsigned char *out, size_t *outlen, size_t *bad_offset);

#endif
