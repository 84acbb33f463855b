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

__attribute__((target("avx512f"))) static void store512(const float *sums, int lanes, int channels, int64_t count,
                                                        const float *bias, int relu, float *out, int64_t plane) {
    const int whole = channels / 16 * 16;
    const int64_t blocks = count / 16 * 16;
    for (int64_t p = 0; p < blocks; p += 16) {
        for (int c0 = 0; c0 < whole; c0 += 16) {
            __m512 r[16];   // r[i]: pixel p + i, channels c0...c0+15; after the transpose r[j]: channel c0 + j
            for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(sums + (p + i) * lanes + c0);
            transpose16(r);
            for (int j = 0; j < 16; j++) {
                __m512 value = _mm512_add_ps(r[j], _mm512_set1_ps(bias[c0 + j]));
                if (relu) value = _mm512_max_ps(value, _mm512_setzero_ps());
                _mm512_storeu_ps(out + (c0 + j) * plane + p, value);
            }
        }
    }
    store_rest(sums, lanes, channels, whole, blocks, count, bias, relu, out, plane);
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

__attribute__((target("avx2"))) static void store256(const float *sums, int lanes, int channels, int64_t count,
                                                     const float *bias, int relu, float *out, int64_t plane) {
    const int whole = channels / 8 * 8;
    const int64_t blocks = count / 8 * 8;
    for (int64_t p = 0; p < blocks; p += 8) {
        for (int c0 = 0; c0 < whole; c0 += 8) {
            __m256 r[8];   // r[i]: pixel p + i, channels c0...c0+7; after the transpose r[j]: channel c0 + j
            for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(sums + (p + i) * lanes + c0);
            transpose8(r);
            for (int j = 0; j < 8; j++) {
                __m256 value = _mm256_add_ps(r[j], _mm256_set1_ps(bias[c0 + j]));
                if (relu) value = _mm256_max_ps(value, _mm256_setzero_ps());
                _mm256_storeu_ps(out + (c0 + j) * plane + p, value);
            }
        }
    }
    store_rest(sums, lanes, channels, whole, blocks, count, bias, relu, out, plane);
}
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
