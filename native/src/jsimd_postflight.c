/* Postflight's SIMD hooks for the libjpeg-turbo decoder (native/binding.gyp compiles this file in place of the
 * library's jsimd_none.c). libjpeg-turbo's own x86 SIMD is NASM assembly, which a pilot's laptop does not have; the
 * decoder spends most of its non-entropy time in the inverse DCT, so this file gives it one: the accurate integer
 * IDCT (JDCT_ISLOW) in SSE2 intrinsics, which every x86-64 CPU has and every compiler node-gyp uses understands.
 *
 * Bit-exact with the library's C version (jidctint.c), not merely close: the C code's integer expressions are
 * regrouped into products of 16-bit inputs with 16-bit constants (pmaddwd), which is exact integer arithmetic as long
 * as the inputs fit in 16 bits; then every sum fits in 32 bits (the constants' absolute sums are at most 61 214, and
 * 61 214 x 32 768 + 2^17 < 2^31). Each block checks that bound on the dequantized coefficients (before the first pass)
 * and on the intermediate rows (before the second), and a block outside it -- only ever seen in damaged or hostile
 * files -- is handed to the C code. The output clamp reproduces the C code's range-limit table, wrap-around included.
 * tests/integration/quality-simd-idct.test.ts decodes every shared photo both ways and compares every luma byte.
 *
 * Every other hook answers "cannot" and the C code runs, as with jsimd_none.c. On CPUs without SSE2 (arm64) the
 * IDCT is the C one too.
 */
#define JPEG_INTERNALS
#include "jinclude.h"
#include "jpeglib.h"
#include "jsimd.h"
#include "jdct.h"
#include "jsimddct.h"
#include <string.h>

#if defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#define PF_SSE2 1
#include <emmintrin.h>
#endif

/* The C IDCT, for blocks outside the exact range and for the benchmark's comparison. */
EXTERN(void) jpeg_idct_islow(j_decompress_ptr cinfo, jpeg_component_info *compptr, JCOEFPTR coef_block,
                             JSAMPARRAY output_buf, JDIMENSION output_col);

/* ------------------------------------------------------------------------------------------------------------ */
/* Hooks the decoder calls and that have no SIMD version here.                                                   */

GLOBAL(int) jsimd_can_ycc_rgb(void) { return 0; }
GLOBAL(int) jsimd_can_ycc_rgb565(void) { return 0; }
GLOBAL(void) jsimd_ycc_rgb_convert(j_decompress_ptr cinfo, JSAMPIMAGE input_buf, JDIMENSION input_row,
                                   JSAMPARRAY output_buf, int num_rows) {}
GLOBAL(void) jsimd_ycc_rgb565_convert(j_decompress_ptr cinfo, JSAMPIMAGE input_buf, JDIMENSION input_row,
                                      JSAMPARRAY output_buf, int num_rows) {}

GLOBAL(int) jsimd_can_h2v2_upsample(void) { return 0; }
GLOBAL(int) jsimd_can_h2v1_upsample(void) { return 0; }
GLOBAL(int) jsimd_can_int_upsample(void) { return 0; }
GLOBAL(int) jsimd_can_h2v2_fancy_upsample(void) { return 0; }
GLOBAL(int) jsimd_can_h2v1_fancy_upsample(void) { return 0; }
GLOBAL(int) jsimd_can_h2v2_merged_upsample(void) { return 0; }
GLOBAL(int) jsimd_can_h2v1_merged_upsample(void) { return 0; }
GLOBAL(void) jsimd_h2v2_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr, JSAMPARRAY input_data,
                                 JSAMPARRAY *output_data_ptr) {}
GLOBAL(void) jsimd_h2v1_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr, JSAMPARRAY input_data,
                                 JSAMPARRAY *output_data_ptr) {}
GLOBAL(void) jsimd_int_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr, JSAMPARRAY input_data,
                                JSAMPARRAY *output_data_ptr) {}
GLOBAL(void) jsimd_h2v2_fancy_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr, JSAMPARRAY input_data,
                                       JSAMPARRAY *output_data_ptr) {}
GLOBAL(void) jsimd_h2v1_fancy_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr, JSAMPARRAY input_data,
                                       JSAMPARRAY *output_data_ptr) {}
GLOBAL(void) jsimd_h2v2_merged_upsample(j_decompress_ptr cinfo, JSAMPIMAGE input_buf, JDIMENSION in_row_group_ctr,
                                        JSAMPARRAY output_buf) {}
GLOBAL(void) jsimd_h2v1_merged_upsample(j_decompress_ptr cinfo, JSAMPIMAGE input_buf, JDIMENSION in_row_group_ctr,
                                        JSAMPARRAY output_buf) {}

/* The encoder's hooks (the thumbnail, src/thumbnail.cc): its small images go through the C code. */
GLOBAL(int) jsimd_can_rgb_ycc(void) { return 0; }
GLOBAL(int) jsimd_can_rgb_gray(void) { return 0; }
GLOBAL(int) jsimd_c_can_null_convert(void) { return 0; }
GLOBAL(void) jsimd_rgb_ycc_convert(j_compress_ptr cinfo, JSAMPARRAY input_buf, JSAMPIMAGE output_buf,
                                   JDIMENSION output_row, int num_rows) {}
GLOBAL(void) jsimd_rgb_gray_convert(j_compress_ptr cinfo, JSAMPARRAY input_buf, JSAMPIMAGE output_buf,
                                    JDIMENSION output_row, int num_rows) {}
GLOBAL(void) jsimd_c_null_convert(j_compress_ptr cinfo, JSAMPARRAY input_buf, JSAMPIMAGE output_buf,
                                  JDIMENSION output_row, int num_rows) {}
GLOBAL(int) jsimd_can_h2v2_downsample(void) { return 0; }
GLOBAL(int) jsimd_can_h2v1_downsample(void) { return 0; }
GLOBAL(int) jsimd_can_h2v2_smooth_downsample(void) { return 0; }
GLOBAL(void) jsimd_h2v2_downsample(j_compress_ptr cinfo, jpeg_component_info *compptr, JSAMPARRAY input_data,
                                   JSAMPARRAY output_data) {}
GLOBAL(void) jsimd_h2v1_downsample(j_compress_ptr cinfo, jpeg_component_info *compptr, JSAMPARRAY input_data,
                                   JSAMPARRAY output_data) {}
GLOBAL(void) jsimd_h2v2_smooth_downsample(j_compress_ptr cinfo, jpeg_component_info *compptr, JSAMPARRAY input_data,
                                          JSAMPARRAY output_data) {}
GLOBAL(int) jsimd_can_convsamp(void) { return 0; }
GLOBAL(int) jsimd_can_convsamp_float(void) { return 0; }
GLOBAL(void) jsimd_convsamp(JSAMPARRAY sample_data, JDIMENSION start_col, DCTELEM *workspace) {}
GLOBAL(void) jsimd_convsamp_float(JSAMPARRAY sample_data, JDIMENSION start_col, FAST_FLOAT *workspace) {}
GLOBAL(int) jsimd_can_fdct_islow(void) { return 0; }
GLOBAL(int) jsimd_can_fdct_ifast(void) { return 0; }
GLOBAL(int) jsimd_can_fdct_float(void) { return 0; }
GLOBAL(void) jsimd_fdct_islow(DCTELEM *data) {}
GLOBAL(void) jsimd_fdct_ifast(DCTELEM *data) {}
GLOBAL(void) jsimd_fdct_float(FAST_FLOAT *data) {}
GLOBAL(int) jsimd_can_quantize(void) { return 0; }
GLOBAL(int) jsimd_can_quantize_float(void) { return 0; }
GLOBAL(void) jsimd_quantize(JCOEFPTR coef_block, DCTELEM *divisors, DCTELEM *workspace) {}
GLOBAL(void) jsimd_quantize_float(JCOEFPTR coef_block, FAST_FLOAT *divisors, FAST_FLOAT *workspace) {}

GLOBAL(int) jsimd_can_idct_2x2(void) { return 0; }
GLOBAL(int) jsimd_can_idct_4x4(void) { return 0; }
GLOBAL(int) jsimd_can_idct_6x6(void) { return 0; }
GLOBAL(int) jsimd_can_idct_12x12(void) { return 0; }
GLOBAL(int) jsimd_can_idct_ifast(void) { return 0; }
GLOBAL(int) jsimd_can_idct_float(void) { return 0; }
GLOBAL(void) jsimd_idct_2x2(j_decompress_ptr cinfo, jpeg_component_info *compptr, JCOEFPTR coef_block,
                            JSAMPARRAY output_buf, JDIMENSION output_col) {}
GLOBAL(void) jsimd_idct_4x4(j_decompress_ptr cinfo, jpeg_component_info *compptr, JCOEFPTR coef_block,
                            JSAMPARRAY output_buf, JDIMENSION output_col) {}
GLOBAL(void) jsimd_idct_6x6(j_decompress_ptr cinfo, jpeg_component_info *compptr, JCOEFPTR coef_block,
                            JSAMPARRAY output_buf, JDIMENSION output_col) {}
GLOBAL(void) jsimd_idct_12x12(j_decompress_ptr cinfo, jpeg_component_info *compptr, JCOEFPTR coef_block,
                              JSAMPARRAY output_buf, JDIMENSION output_col) {}
GLOBAL(void) jsimd_idct_ifast(j_decompress_ptr cinfo, jpeg_component_info *compptr, JCOEFPTR coef_block,
                              JSAMPARRAY output_buf, JDIMENSION output_col) {}
GLOBAL(void) jsimd_idct_float(j_decompress_ptr cinfo, jpeg_component_info *compptr, JCOEFPTR coef_block,
                              JSAMPARRAY output_buf, JDIMENSION output_col) {}

/* ------------------------------------------------------------------------------------------------------------ */
/* The accurate integer IDCT.                                                                                    */

#ifdef PF_SSE2

/* jidctint.c's multipliers (13 fractional bits) and the two passes' scalings. */
#define PF_CONST_BITS 13
#define PF_PASS1_BITS 2
#define F_0_298 2446
#define F_0_390 3196
#define F_0_541 4433
#define F_0_765 6270
#define F_0_899 7373
#define F_1_175 9633
#define F_1_501 12299
#define F_1_847 15137
#define F_1_961 16069
#define F_2_053 16819
#define F_2_562 20995
#define F_3_072 25172

/* A pmaddwd operand: the pair (a, b) in every 32-bit lane, so madd(interleave(x, y), pair(a, b)) = a*x + b*y. */
#define PAIR(a, b) _mm_set1_epi32((int)(((unsigned)(unsigned short)(short)(b) << 16) | (unsigned short)(short)(a)))

/* One 1-D inverse DCT over 4 lanes. x[k] interleaves inputs (k, k') as below; `round` is added once to the even part
 * (it reaches every output), and the 8 outputs come back unshifted, in order 0..7.
 *
 * The even part is jidctint.c's, with z1 = (z2 + z3) * F_0_541 distributed over its two uses:
 *   tmp3 = z2*(F_0_541 + F_0_765) + z3*F_0_541,  tmp2 = z2*F_0_541 + z3*(F_0_541 - F_1_847),
 *   tmp0 = (z0 + z4) << 13,  tmp1 = (z0 - z4) << 13.
 * The odd part's four outputs, each written as one linear form of its inputs t0..t3 (rows 7, 5, 3, 1) by expanding
 * z1..z5 of jidctint.c (e.g. t0's coefficient in tmp0 is F_0_298 - F_0_899 - F_1_961 + F_1_175). */
static inline void idct_1d(__m128i i26, __m128i i04, __m128i i75, __m128i i31, __m128i round, __m128i out[8]) {
  const __m128i tmp3 = _mm_madd_epi16(i26, PAIR(F_0_541 + F_0_765, F_0_541));
  const __m128i tmp2 = _mm_madd_epi16(i26, PAIR(F_0_541, F_0_541 - F_1_847));
  const __m128i tmp0 = _mm_add_epi32(_mm_madd_epi16(i04, PAIR(1 << PF_CONST_BITS, 1 << PF_CONST_BITS)), round);
  const __m128i tmp1 = _mm_add_epi32(_mm_madd_epi16(i04, PAIR(1 << PF_CONST_BITS, -(1 << PF_CONST_BITS))), round);
  const __m128i tmp10 = _mm_add_epi32(tmp0, tmp3), tmp13 = _mm_sub_epi32(tmp0, tmp3);
  const __m128i tmp11 = _mm_add_epi32(tmp1, tmp2), tmp12 = _mm_sub_epi32(tmp1, tmp2);

  const __m128i o0 = _mm_add_epi32(_mm_madd_epi16(i75, PAIR(F_0_298 - F_0_899 - F_1_961 + F_1_175, F_1_175)),
                                   _mm_madd_epi16(i31, PAIR(F_1_175 - F_1_961, F_1_175 - F_0_899)));
  const __m128i o1 = _mm_add_epi32(_mm_madd_epi16(i75, PAIR(F_1_175, F_2_053 - F_2_562 - F_0_390 + F_1_175)),
                                   _mm_madd_epi16(i31, PAIR(F_1_175 - F_2_562, F_1_175 - F_0_390)));
  const __m128i o2 = _mm_add_epi32(_mm_madd_epi16(i75, PAIR(F_1_175 - F_1_961, F_1_175 - F_2_562)),
                                   _mm_madd_epi16(i31, PAIR(F_3_072 - F_2_562 - F_1_961 + F_1_175, F_1_175)));
  const __m128i o3 = _mm_add_epi32(_mm_madd_epi16(i75, PAIR(F_1_175 - F_0_899, F_1_175 - F_0_390)),
                                   _mm_madd_epi16(i31, PAIR(F_1_175, F_1_501 - F_0_899 - F_0_390 + F_1_175)));

  out[0] = _mm_add_epi32(tmp10, o3);
  out[7] = _mm_sub_epi32(tmp10, o3);
  out[1] = _mm_add_epi32(tmp11, o2);
  out[6] = _mm_sub_epi32(tmp11, o2);
  out[2] = _mm_add_epi32(tmp12, o1);
  out[5] = _mm_sub_epi32(tmp12, o1);
  out[3] = _mm_add_epi32(tmp13, o0);
  out[4] = _mm_sub_epi32(tmp13, o0);
}

/* 1-D IDCT of 8 lanes of 16-bit inputs v[0..7]: out_lo / out_hi are lanes 0-3 / 4-7 as 32-bit sums. */
static inline void idct_8(const __m128i v[8], __m128i round, __m128i lo[8], __m128i hi[8]) {
  idct_1d(_mm_unpacklo_epi16(v[2], v[6]), _mm_unpacklo_epi16(v[0], v[4]), _mm_unpacklo_epi16(v[7], v[5]),
          _mm_unpacklo_epi16(v[3], v[1]), round, lo);
  idct_1d(_mm_unpackhi_epi16(v[2], v[6]), _mm_unpackhi_epi16(v[0], v[4]), _mm_unpackhi_epi16(v[7], v[5]),
          _mm_unpackhi_epi16(v[3], v[1]), round, hi);
}

static inline void transpose_8x8(__m128i a[8]) {
  const __m128i t0 = _mm_unpacklo_epi16(a[0], a[1]), t1 = _mm_unpackhi_epi16(a[0], a[1]);
  const __m128i t2 = _mm_unpacklo_epi16(a[2], a[3]), t3 = _mm_unpackhi_epi16(a[2], a[3]);
  const __m128i t4 = _mm_unpacklo_epi16(a[4], a[5]), t5 = _mm_unpackhi_epi16(a[4], a[5]);
  const __m128i t6 = _mm_unpacklo_epi16(a[6], a[7]), t7 = _mm_unpackhi_epi16(a[6], a[7]);
  const __m128i u0 = _mm_unpacklo_epi32(t0, t2), u1 = _mm_unpackhi_epi32(t0, t2);
  const __m128i u2 = _mm_unpacklo_epi32(t1, t3), u3 = _mm_unpackhi_epi32(t1, t3);
  const __m128i u4 = _mm_unpacklo_epi32(t4, t6), u5 = _mm_unpackhi_epi32(t4, t6);
  const __m128i u6 = _mm_unpacklo_epi32(t5, t7), u7 = _mm_unpackhi_epi32(t5, t7);
  a[0] = _mm_unpacklo_epi64(u0, u4);
  a[1] = _mm_unpackhi_epi64(u0, u4);
  a[2] = _mm_unpacklo_epi64(u1, u5);
  a[3] = _mm_unpackhi_epi64(u1, u5);
  a[4] = _mm_unpacklo_epi64(u2, u6);
  a[5] = _mm_unpackhi_epi64(u2, u6);
  a[6] = _mm_unpacklo_epi64(u3, u7);
  a[7] = _mm_unpackhi_epi64(u3, u7);
}

static inline int hmax_epi16(__m128i v) {
  v = _mm_max_epi16(v, _mm_srli_si128(v, 8));
  v = _mm_max_epi16(v, _mm_srli_si128(v, 4));
  v = _mm_max_epi16(v, _mm_srli_si128(v, 2));
  return (short)_mm_cvtsi128_si32(v);
}

static inline int hmin_epi16(__m128i v) {
  v = _mm_min_epi16(v, _mm_srli_si128(v, 8));
  v = _mm_min_epi16(v, _mm_srli_si128(v, 4));
  v = _mm_min_epi16(v, _mm_srli_si128(v, 2));
  return (short)_mm_cvtsi128_si32(v);
}

/* The table is ISLOW_MULT_TYPE = MULTIPLIER, int in this build (no WITH_SIMD): loaded and narrowed below. */
typedef char pf_islow_table_is_int[sizeof(ISLOW_MULT_TYPE) == sizeof(int) ? 1 : -1];

GLOBAL(int) jsimd_can_idct_islow(void) {
  return DCTSIZE == 8 && sizeof(JCOEF) == 2 && BITS_IN_JSAMPLE == 8;
}

GLOBAL(void) jsimd_idct_islow(j_decompress_ptr cinfo, jpeg_component_info *compptr, JCOEFPTR coef_block,
                              JSAMPARRAY output_buf, JDIMENSION output_col) {
  const int *quant = (const int *)compptr->dct_table;
  __m128i v[8], cmax, cmin, qmax, ac = _mm_setzero_si128();
  int r;
  for (r = 0; r < 8; r++) {
    const __m128i c = _mm_loadu_si128((const __m128i *)(coef_block + 8 * r));
    /* Quantizers above 32767 saturate here and fail the bound check below. */
    const __m128i q = _mm_packs_epi32(_mm_loadu_si128((const __m128i *)(quant + 8 * r)),
                                      _mm_loadu_si128((const __m128i *)(quant + 8 * r + 4)));
    if (r == 0) {
      cmax = cmin = c;
      qmax = q;
      ac = _mm_srli_si128(c, 2);
    } else {
      cmax = _mm_max_epi16(cmax, c);
      cmin = _mm_min_epi16(cmin, c);
      qmax = _mm_max_epi16(qmax, q);
      ac = _mm_or_si128(ac, c);
    }
    v[r] = _mm_mullo_epi16(c, q);
  }

  if (_mm_movemask_epi8(_mm_cmpeq_epi8(ac, _mm_setzero_si128())) == 0xFFFF) {
    /* DC only: jidctint.c's all-zero column and row shortcuts give one value for the block. */
    const JSAMPLE *range_limit = IDCT_range_limit(cinfo);
    const int dc = (int)coef_block[0] * quant[0] * (1 << PF_PASS1_BITS);
    const JSAMPLE value = range_limit[((dc + (1 << (PF_PASS1_BITS + 2))) >> (PF_PASS1_BITS + 3)) & RANGE_MASK];
    for (r = 0; r < 8; r++) memset(output_buf[r] + output_col, value, 8);
    return;
  }

  {
    /* Exact only when every dequantized coefficient fits in 16 bits. */
    const int cm = hmax_epi16(cmax), cn = -hmin_epi16(cmin), qm = hmax_epi16(qmax);
    if (qm >= 32767 || (cm > cn ? cm : cn) * qm > 32767) {
      jpeg_idct_islow(cinfo, compptr, coef_block, output_buf, output_col);
      return;
    }
  }

  {
    /* Pass 1, columns (lanes are columns): scaled down to PASS1_BITS fractional bits, narrowed to 16 bits. */
    __m128i lo[8], hi[8], wmax, wmin;
    idct_8(v, _mm_set1_epi32(1 << (PF_CONST_BITS - PF_PASS1_BITS - 1)), lo, hi);
    for (r = 0; r < 8; r++) {
      v[r] = _mm_packs_epi32(_mm_srai_epi32(lo[r], PF_CONST_BITS - PF_PASS1_BITS),
                             _mm_srai_epi32(hi[r], PF_CONST_BITS - PF_PASS1_BITS));
      wmax = r ? _mm_max_epi16(wmax, v[r]) : v[r];
      wmin = r ? _mm_min_epi16(wmin, v[r]) : v[r];
    }
    /* A saturated value (or one at the limit) means the second pass might not be exact. */
    if (hmax_epi16(wmax) >= 32767 || hmin_epi16(wmin) <= -32768) {
      jpeg_idct_islow(cinfo, compptr, coef_block, output_buf, output_col);
      return;
    }
  }

  {
    /* Pass 2, rows (lanes are rows after the transpose). The C code takes range_limit[DESCALE(x, 18) & 1023], which
     * is the low 10 bits of the descaled value read as a signed number, plus 128, clamped to 0..255: shifting left
     * by 4 then right by 22 keeps exactly bits 18..27 with their sign. */
    const int shift = PF_CONST_BITS + PF_PASS1_BITS + 3;
    const __m128i centre = _mm_set1_epi16(CENTERJSAMPLE);
    __m128i lo[8], hi[8];
    transpose_8x8(v);
    idct_8(v, _mm_set1_epi32(1 << (shift - 1)), lo, hi);
    for (r = 0; r < 8; r++) {
      const __m128i l = _mm_srai_epi32(_mm_slli_epi32(lo[r], 32 - shift - 10), 22);
      const __m128i h = _mm_srai_epi32(_mm_slli_epi32(hi[r], 32 - shift - 10), 22);
      v[r] = _mm_add_epi16(_mm_packs_epi32(l, h), centre);
    }
    transpose_8x8(v);
    for (r = 0; r < 8; r += 2) {
      const __m128i bytes = _mm_packus_epi16(v[r], v[r + 1]);
      _mm_storel_epi64((__m128i *)(output_buf[r] + output_col), bytes);
      _mm_storel_epi64((__m128i *)(output_buf[r + 1] + output_col), _mm_srli_si128(bytes, 8));
    }
  }
}

#else

GLOBAL(int) jsimd_can_idct_islow(void) { return 0; }
GLOBAL(void) jsimd_idct_islow(j_decompress_ptr cinfo, jpeg_component_info *compptr, JCOEFPTR coef_block,
                              JSAMPARRAY output_buf, JDIMENSION output_col) {}

#endif
