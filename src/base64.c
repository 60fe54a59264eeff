/* RFC 4648 base64 encode/decode (standard alphabet, padded, strict decoding). */
#include "base64.h"

#include <stdint.h>

static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encoded_len(size_t len) {
  size_t groups = len / 3 + (len % 3 != 0);
  if (groups > SIZE_MAX / 4) return 0;
  return groups * 4;
}

void base64_encode(const unsigned char *in, size_t len, char *out) {
  size_t i = 0, o = 0;
  for (; i + 3 <= len; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    out[o++] = ALPHABET[v >> 18 & 63];
    out[o++] = ALPHABET[v >> 12 & 63];
    out[o++] = ALPHABET[v >> 6 & 63];
    out[o++] = ALPHABET[v & 63];
  }
  if (len - i == 1) {
    uint32_t v = (uint32_t)in[i] << 16;
    out[o++] = ALPHABET[v >> 18 & 63];
    out[o++] = ALPHABET[v >> 12 & 63];
    out[o++] = '=';
    out[o++] = '=';
  } else if (len - i == 2) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
    out[o++] = ALPHABET[v >> 18 & 63];
    out[o++] = ALPHABET[v >> 12 & 63];
    out[o++] = ALPHABET[v >> 6 & 63];
    out[o++] = '=';
  }
}

size_t base64_decoded_max(size_t len) { return len / 4 * 3 + 3; }

static int value_of(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int base64_decode(const char *in, size_t len, unsigned char *out, size_t *outlen, size_t *bad_offset) {
  size_t o = 0;
  for (size_t i = 0; i < len; i += 4) {
    int v[4];
    size_t pad = 0;
    for (size_t k = 0; k < 4; k++) {
      if (i + k >= len) {
        /* truncated group: the input ends where a character was needed */
        *bad_offset = len;
        return -1;
      }
      unsigned char c = (unsigned char)in[i + k];
      if (c == '=' && k >= 2 && i + 4 >= len) {
        /* padding: only in the last group, only at positions 2..3, and "x=y" is invalid */
        if (k == 2 && i + 3 >= len) {
          *bad_offset = len; /* "Zg=": the second '=' is missing */
          return -1;
        }
        if (k == 3 || (unsigned char)in[i + 3] == '=') {
          v[k] = 0;
          pad++;
          continue;
        }
      }
      if (pad > 0 || (v[k] = value_of(c)) < 0) {
        *bad_offset = i + k;
        return -1;
      }
    }
    uint32_t bits = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
    /* Non-canonical encodings (bits set after the last full byte) are refused too. */
    if (pad == 2 && (bits & 0xFFFF)) {
      *bad_offset = i + 1;
      return -1;
    }
    if (pad == 1 && (bits & 0xFF)) {
      *bad_offset = i + 2;
      return -1;
    }
    out[o++] = (unsigned char)(bits >> 16);
    if (pad < 2) out[o++] = (unsigned char)(bits >> 8);
    if (pad < 1) out[o++] = (unsigned char)bits;
  }
  *outlen = o;
  return 0;
}
