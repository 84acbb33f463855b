// Storing a chunk's sums: the tiles leave them pixel-major, (pixels, lanes), and the layer's output
// is channel-major, (channels, pixels). Element by element that is a strided gather per value (it
// was ~8% of the service's CPU at concurrency 4, scalar, beside the tiles' FMAs); here a block of
// 16 pixels x 16 channels (8 x 8 with AVX2) is loaded as rows, transposed in registers and stored
// as 16 contiguous pixels per channel. Each value gets the same one addition and comparison.
#include "direct_convolution.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static inline float finish(float sum, float bias, int relu) {
    const float value = sum + bias;
    return !relu || value > 0 ? value : 0;
}

void dc_store_sums_reference(const float *sums, int lanes, int channels, int64_t count, const float *bias, int relu,
                             float *out, int64_t plane) {
    for (int c = 0; c < channels; c++)
        for (int64_t p = 0; p < count; p++) out[c * plane + p] = finish(sums[p * lanes + c], bias[c], relu);
}

// Pixels [first, count) of every channel, and channels [first_channel, channels) of pixels [0, first).
static void store_rest(const float *sums, int lanes, int channels, int first_channel, int64_t first, int64_t count,
                       const float *bias, int relu, float *out, int64_t plane) {
    for (int c = 0; c < channels; c++) {
        for (int64_t p = c < first_channel ? first : 0; p < count; p++)
            out[c * plane + p] = finish(sums[p * lanes + c], bias[c], relu);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static inline void transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {
        const __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 2]);
        const __m512d c = _mm512_castps_pd(t[4 * i + 1]), d = _mm512_castps_pd(t[4 * i + 3]);
        r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, b));
        r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, b));
        r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(c, d));
        r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(c, d));
    }
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 4; j++) {
            t[8 * i + j] = _mm512_shuffle_f32x4(r[8 * i + j], r[8 * i + j + 4], 0x88);
            t[8 * i + j + 4] = _mm512_shuffle_f32x4(r[8 * i + j], r[8 * i + j + 4], 0xdd);
        }
    for (int j = 0; j < 8; j++) {
        r[j] = _mm512_shuffle_f32x4(t[j], t[j + 8], 0x88);
        r[j + 8] = _mm512_shuffle_f32x4(t[j], t[j + 8], 0xdd);
    }
}

__attribute__((target("avx2"))) static inline void transpose8(__m256 r[8]) {
    __m256 t[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        const __m256d a = _mm256_castps_pd(t[4 * i]), b = _mm256_castps_pd(t[4 * i + 2]);
        const __m256d c = _mm256_castps_pd(t[4 * i + 1]), d = _mm256_castps_pd(t[4 * i + 3]);
        r[4 * i] = _mm256_castpd_ps(_mm256_unpacklo_pd(a, b));
        r[4 * i + 1] = _mm256_castpd_ps(_mm256_unpackhi_pd(a, b));
        r[4 * i + 2] = _mm256_castpd_ps(_mm256_unpacklo_pd(c, d));
        r[4 * i + 3] = _mm256_castpd_ps(_mm256_unpackhi_pd(c, d));
    }
    for (int j = 0; j < 4; j++) {
        t[j] = _mm256_permute2f128_ps(r[j], r[j + 4], 0x20);
        t[j + 4] = _mm256_permute2f128_ps(r[j], r[j + 4], 0x31);
    }
    for (int j = 0; j < 8; j++) r[j] = t[j];
}

// One store per vector width: blocks of WIDTH pixels x WIDTH channels loaded as rows (r[i]: pixel
// p + i, channels c0...), transposed (r[j]: channel c0 + j, pixels p...), finished and stored; the
// pixels and channels past the last whole block go through the plain loop.
#define DEFINE_STORE(NAME, TARGET, VEC, WIDTH, TRANSPOSE, LOAD, SET1, ADD, MAX, ZERO, STORE)                 \
    __attribute__((target(TARGET))) static void NAME(const float *sums, int lanes, int channels, int64_t count, \
                                                     const float *bias, int relu, float *out, int64_t plane) { \
        const int whole = channels / WIDTH * WIDTH;                                                      \
        const int64_t blocks = count / WIDTH * WIDTH;                                                    \
        for (int64_t p = 0; p < blocks; p += WIDTH) {                                                    \
            for (int c0 = 0; c0 < whole; c0 += WIDTH) {                                                  \
                VEC r[WIDTH];                                                                            \
                for (int i = 0; i < WIDTH; i++) r[i] = LOAD(sums + (p + i) * lanes + c0);                \
                TRANSPOSE(r);                                                                            \
                for (int j = 0; j < WIDTH; j++) {                                                        \
                    VEC value = ADD(r[j], SET1(bias[c0 + j]));                                           \
                    if (relu) value = MAX(value, ZERO());                                                \
                    STORE(out + (c0 + j) * plane + p, value);                                            \
                }                                                                                        \
            }                                                                                            \
        }                                                                                                \
        store_rest(sums, lanes, channels, whole, blocks, count, bias, relu, out, plane);                 \
    }

DEFINE_STORE(store512, "avx512f", __m512, 16, transpose16, _mm512_loadu_ps, _mm512_set1_ps, _mm512_add_ps,
             _mm512_max_ps, _mm512_setzero_ps, _mm512_storeu_ps)
DEFINE_STORE(store256, "avx2", __m256, 8, transpose8, _mm256_loadu_ps, _mm256_set1_ps, _mm256_add_ps,
             _mm256_max_ps, _mm256_setzero_ps, _mm256_storeu_ps)
#endif

void dc_store_sums(int isa, const float *sums, int lanes, int channels, int64_t count, const float *bias, int relu,
                   float *out, int64_t plane) {
#if defined(__x86_64__)
    if (isa == 2 && lanes % 16 == 0) return store512(sums, lanes, channels, count, bias, relu, out, plane);
    if (isa >= 1 && lanes % 8 == 0) return store256(sums, lanes, channels, count, bias, relu, out, plane);
#else
    (void)isa;
#endif
    dc_store_sums_reference(sums, lanes, channels, count, bias, relu, out, plane);
}
