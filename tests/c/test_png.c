/* Tests src/png_write.c: encodes known premultiplied ARGB32 pixels and decodes them with libpng. */
#include <png.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../src/png_write.h"
#include "check.h"

static uint32_t argb(unsigned a, unsigned r, unsigned g, unsigned b) { return a << 24 | r << 16 | g << 8 | b; }

/* Decodes to straight RGBA with the simplified API; returns a malloc'd buffer or NULL. */
static unsigned char *decode(const png_buffer *buf, unsigned *w, unsigned *h) {
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&img, buf->data, buf->len)) return NULL;
  img.format = PNG_FORMAT_RGBA;
  unsigned char *px = malloc(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, NULL, px, 0, NULL)) {
    free(px);
    return NULL;
  }
  *w = img.width;
  *h = img.height;
  return px;
}

static void check_pixel(const unsigned char *px, unsigned w, unsigned x, unsigned y, int r, int g, int b, int a) {
  const unsigned char *p = px + (y * w + x) * 4;
  if (p[0] != r || p[1] != g || p[2] != b || p[3] != a)
    fprintf(stderr, "pixel (%u,%u) = %d,%d,%d,%d want %d,%d,%d,%d\n", x, y, p[0], p[1], p[2], p[3], r, g, b, a);
  CHECK(p[0] == r && p[1] == g && p[2] == b && p[3] == a);
}

int main(void) {
  char err[128];
  /* 2x2 with translucency; stride 12 (padding after each row) to prove stride is honoured */
  {
    uint32_t rows[2][3] = {
        {argb(255, 255, 0, 0), argb(128, 0, 128, 0), 0xDEADBEEF},
        {argb(0, 0, 0, 0), argb(51, 10, 20, 51), 0xDEADBEEF},
    };
    png_buffer out;
    CHECK_INT(png_write_argb32((const unsigned char *)rows, 2, 2, 12, 6, NULL, &out, err, sizeof err), 0);
    CHECK(out.len > 8 && memcmp(out.data, "\x89PNG\r\n\x1a\n", 8) == 0);
    CHECK_INT(out.data[24], 8); /* bit depth */
    CHECK_INT(out.data[25], 6); /* colour type RGBA: not every pixel is opaque */
    unsigned w = 0, h = 0;
    unsigned char *px = decode(&out, &w, &h);
    CHECK(px != NULL);
    CHECK_INT(w, 2);
    CHECK_INT(h, 2);
    if (px) {
      check_pixel(px, w, 0, 0, 255, 0, 0, 255);
      check_pixel(px, w, 1, 0, 0, 255, 0, 128);   /* 128*255/128 un-premultiplied */
      check_pixel(px, w, 0, 1, 0, 0, 0, 0);
      check_pixel(px, w, 1, 1, 50, 100, 255, 51); /* (10*255+25)/51 = 50, (20*255+25)/51 = 100 */
    }
    free(px);
    png_buffer_free(&out);
  }
  /* all opaque: written as RGB, decodes back exactly, at every compression level */
  static const int LEVELS[] = {0, 1, 9};
  for (int li = 0; li < 3; li++) {
    int level = LEVELS[li];
    uint32_t px4[4] = {argb(255, 1, 2, 3), argb(255, 250, 251, 252), argb(255, 0, 0, 0), argb(255, 255, 255, 255)};
    png_buffer out;
    CHECK_INT(png_write_argb32((const unsigned char *)px4, 2, 2, 8, level, NULL, &out, err, sizeof err), 0);
    CHECK_INT(out.data[25], 2); /* colour type RGB */
    unsigned w = 0, h = 0;
    unsigned char *px = decode(&out, &w, &h);
    CHECK(px != NULL);
    if (px) {
      check_pixel(px, w, 0, 0, 1, 2, 3, 255);
      check_pixel(px, w, 1, 0, 250, 251, 252, 255);
      check_pixel(px, w, 0, 1, 0, 0, 0, 255);
      check_pixel(px, w, 1, 1, 255, 255, 255, 255);
    }
    free(px);
    png_buffer_free(&out);
  }
  /* a larger image compresses harder at level 9 than at level 0 */
  {
    enum { W = 64, H = 64 };
    static uint32_t img[W * H];
    for (int i = 0; i < W * H; i++) img[i] = argb(255, (unsigned)(i % W) * 4, 0, 0);
    png_buffer l0, l9;
    CHECK_INT(png_write_argb32((const unsigned char *)img, W, H, W * 4, 0, NULL, &l0, err, sizeof err), 0);
    CHECK_INT(png_write_argb32((const unsigned char *)img, W, H, W * 4, 9, NULL, &l9, err, sizeof err), 0);
    CHECK(l9.len < l0.len);
    CHECK(l0.len > (size_t)W * H * 3); /* stored: at least the raw RGB bytes */
    png_buffer_free(&l0);
    png_buffer_free(&l9);
  }
  /* level 1 (chartd's deflate) through one scratch reused across sizes and alpha modes: every
   * pixel decodes back exactly, premultiplied alpha undone */
  {
    png_scratch scratch = {0};
    static const int SIZES[][2] = {{300, 200}, {17, 3}, {640, 480}, {1, 1}};
    for (int k = 0; k < 8; k++) {
      int W = SIZES[k % 4][0], H = SIZES[k % 4][1];
      bool translucent = k >= 4;
      uint32_t *img = malloc(sizeof(uint32_t) * (size_t)W * (size_t)H);
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
          unsigned a = translucent && (x + y) % 5 == 0 ? 51 : 255;
          unsigned v = (x / 40 + y / 30) % 2 ? 200 : 20; /* flat areas, like a chart */
          if ((x * 7 + y * 13) % 97 == 0) v = (unsigned)(x * y) % 256; /* sparse detail */
          v = v * a / 255;
          img[(size_t)y * W + x] = argb(a, v, v / 2, a - v / 3);
        }
      png_buffer out;
      CHECK_INT(png_write_argb32((const unsigned char *)img, W, H, W * 4, 1, &scratch, &out, err, sizeof err), 0);
      CHECK_INT(out.data[25], translucent ? 6 : 2);
      unsigned w = 0, h = 0;
      unsigned char *px = decode(&out, &w, &h);
      CHECK(px != NULL && w == (unsigned)W && h == (unsigned)H);
      int bad = 0;
      for (int i = 0; px && i < W * H && !bad; i++) {
        uint32_t p = img[i];
        unsigned a = p >> 24, want[3] = {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
        for (int c = 0; c < 3; c++) {
          if (a < 255) want[c] = (want[c] * 255 + a / 2) / a;
          bad |= px[i * 4 + c] != want[c];
        }
        bad |= px[i * 4 + 3] != a;
      }
      if (bad) fprintf(stderr, "level 1, %dx%d%s: pixels differ\n", W, H, translucent ? " translucent" : "");
      CHECK(!bad);
      free(px);
      free(img);
      png_buffer_free(&out);
    }
    CHECK(scratch.cap > 0);
    png_scratch_free(&scratch);
  }
  /* one translucent pixel anywhere in a flat opaque image (rows alike, runs of equal pixels,
   * the 4- and 2-pixel steps and the tail of a 37-pixel row) still makes it RGBA */
  {
    enum { W = 37, H = 5 };
    static const int AT[][2] = {{0, 0}, {36, 0}, {1, 1}, {4, 2}, {35, 3}, {36, 4}, {0, 4}, {17, 2}};
    for (size_t k = 0; k < sizeof AT / sizeof AT[0]; k++) {
      uint32_t img[W * H];
      for (int i = 0; i < W * H; i++) img[i] = argb(255, 30, 60, 90);
      img[AT[k][1] * W + AT[k][0]] = argb(128, 15, 30, 45);
      png_buffer out;
      CHECK_INT(png_write_argb32((const unsigned char *)img, W, H, W * 4, 1, NULL, &out, err, sizeof err), 0);
      CHECK_INT(out.data[25], 6);
      unsigned w = 0, h = 0;
      unsigned char *px = decode(&out, &w, &h);
      CHECK(px != NULL && w == W && h == H);
      for (int i = 0; px && i < W * H; i++) {
        int odd = i == AT[k][1] * W + AT[k][0];
        CHECK(px[i * 4 + 3] == (odd ? 128 : 255) && px[i * 4] == 30 && px[i * 4 + 2] == 90);
      }
      free(px);
      png_buffer_free(&out);
    }
  }
  /* invalid arguments fail with a message and leave the buffer empty */
  {
    uint32_t one = 0;
    png_buffer out = {(unsigned char *)1, 1, 1};
    CHECK_INT(png_write_argb32((const unsigned char *)&one, 1, 1, 4, 10, NULL, &out, err, sizeof err), -1);
    CHECK_STR(err, "png: invalid arguments");
    CHECK(out.data == NULL && out.len == 0);
    CHECK_INT(png_write_argb32((const unsigned char *)&one, 1, 1, 2, 6, NULL, &out, err, sizeof err), -1);
    CHECK_INT(png_write_argb32((const unsigned char *)&one, 0, 1, 4, 6, NULL, &out, err, sizeof err), -1);
  }
  return check_done("test_png");
}
