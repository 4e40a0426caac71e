/* Postflight's build configuration for the libjpeg-turbo sources of the npm package jpeg-turbo (native/binding.gyp):
 * 8-bit samples, the libjpeg 6b API, decoding from memory, arithmetic-coded files readable. Our own header, the
 * library's configure step reduced to what the decoder needs on every platform node-gyp builds for. */
#ifndef PF_JCONFIG_H
#define PF_JCONFIG_H
#define JPEG_LIB_VERSION 62
#define LIBJPEG_TURBO_VERSION 1.4.80
#define BITS_IN_JSAMPLE 8
#define D_ARITH_CODING_SUPPORTED 1
#define MEM_SRCDST_SUPPORTED 1
#define HAVE_STDDEF_H 1
#define HAVE_STDLIB_H 1
#define HAVE_UNSIGNED_CHAR 1
#define HAVE_UNSIGNED_SHORT 1
/* 64-bit targets: the Huffman decoder's bit buffer is then 64 bits wide. */
#if defined(_WIN64) || defined(__LP64__) || defined(__x86_64__) || defined(__aarch64__)
#define SIZEOF_SIZE_T 8
#else
#define SIZEOF_SIZE_T 4
#endif
#endif
