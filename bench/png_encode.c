/* Times src/png_write.c + src/deflate.c alone on PNG files (decoded by cairo, re-encoded at
 * level 1): median and fastest of N encodings per file, and the size. For an A/B of two builds
 * (main's sources and a change's), alternate them round by round on a quiet machine:
 *   gcc -O3 -DNDEBUG -Isrc $(pkg-config --cflags cairo) -o /tmp/png_encode bench/png_encode.c \
 *       src/png_write.c src/deflate.c $(pkg-config --libs cairo) -lz
 *   /tmp/png_encode 200 line.png scatter.png heatmap.png
 * OUT=prefix also writes each file's last encoding to prefix.<arg index>.png (to compare bytes). */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "png_write.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 0;
  if (n < 1 || argc < 3) {
    fprintf(stderr, "usage: png_encode N file.png...\n");
    return 2;
  }
  double *times = malloc(sizeof *times * (size_t)n);
  for (int f = 2; f < argc; f++) {
    /* an ARGB32 surface, as the canvas draws on (a PNG without alpha loads as RGB24) */
    cairo_surface_t *png = cairo_image_surface_create_from_png(argv[f]);
    int w = cairo_image_surface_get_width(png), h = cairo_image_surface_get_height(png);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_surface(cr, png, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    png_scratch scratch = {0};
    png_buffer out;
    char err[128];
    size_t bytes = 0;
    for (int i = 0; i < n; i++) {
      double t0 = now_ms();
      if (png_write_argb32(cairo_image_surface_get_data(s), w, h, cairo_image_surface_get_stride(s), 1, &scratch,
                           &out, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", argv[f], err);
        return 1;
      }
      times[i] = now_ms() - t0;
      bytes = out.len;
      if (i == n - 1 && getenv("OUT")) {
        char path[512];
        snprintf(path, sizeof path, "%s.%d.png", getenv("OUT"), f);
        FILE *o = fopen(path, "wb");
        if (o) {
          fwrite(out.data, 1, out.len, o);
          fclose(o);
        }
      }
      png_buffer_free(&out);
    }
    qsort(times, (size_t)n, sizeof *times, by_value);
    printf("%-30s median %.3f ms  min %.3f ms  %zu bytes\n", argv[f], times[n / 2], times[0], bytes);
    png_scratch_free(&scratch);
    cairo_surface_destroy(s);
    cairo_surface_destroy(png);
  }
  free(times);
  return 0;
}
