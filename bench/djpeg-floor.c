/* The floor, `djpeg -grayscale`, with the machine's own libjpeg(-turbo) and its SIMD: each file named on the
 * command line decoded to full-size luma, row by row, rows discarded. Prints one JSON line: files, CPU seconds
 * (getrusage) and the library version. bench/ingest.ts compiles it with `cc ... -ljpeg` when the machine has the
 * development files (Debian: libjpeg62-turbo-dev) and skips it otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <jpeglib.h>

#ifndef LIBJPEG_TURBO_VERSION
#define LIBJPEG_TURBO_VERSION unknown
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
      perror(argv[i]);
      return 1;
    }
    fseek(f, 0, SEEK_END);
    const long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *bytes = malloc(size);
    if (fread(bytes, 1, size, f) != (size_t)size) return 1;
    fclose(f);
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr err;
    cinfo.err = jpeg_std_error(&err);
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, bytes, size);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = JCS_GRAYSCALE;
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&cinfo);
    JSAMPROW row = malloc(cinfo.output_width);
    while (cinfo.output_scanline < cinfo.output_height) jpeg_read_scanlines(&cinfo, &row, 1);
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    free(bytes);
  }
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  const double cpu = u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
  printf("{\"files\":%d,\"cpuSeconds\":%.3f,\"library\":\"libjpeg-turbo %s\"}\n", argc - 1, cpu, STR(LIBJPEG_TURBO_VERSION));
  return 0;
}
