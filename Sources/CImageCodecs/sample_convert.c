// Per-pixel conversions of float grids (depth): to 16-bit samples in one branch-free loop the
// compiler vectorises, and to colours through a 256-entry table.
#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "CImageCodecs.h"

void cic_quantize16(const float *values, size_t count, float scale, uint16_t *samples) {
    for (size_t i = 0; i < count; i++) {
        float v = values[i];
        // Not finite or not positive: 0. (v - v) is 0 only for finite v; NaN fails every comparison.
        int valid = v > 0.0f && (v - v) == 0.0f;
        float scaled = v * scale;
        scaled = scaled < 1.0f ? 1.0f : scaled;
        scaled = scaled > 65535.0f ? 65535.0f : scaled;
        if (!valid) scaled = 1.0f;
        // Round half away from zero (the value is positive): truncate, then add the half.
        int whole = (int)scaled;
        int sample = whole + ((scaled - (float)whole) >= 0.5f);
        samples[i] = valid ? (uint16_t)sample : 0;
    }
}

void cic_colorize(const float *values, size_t count, float first, float last, const uint8_t *table,
                  uint8_t *rgb) {
    float span = first - last;
    // In chunks: first the table entries in a loop without branches (vectorised: the divisions
    // run four or eight at a time), then the look-ups; 256 stands for grey (no estimate).
    enum { CHUNK = 512 };
    int entries[CHUNK];
    for (size_t start = 0; start < count; start += CHUNK) {
        size_t n = count - start < CHUNK ? count - start : CHUNK;
        const float *v = values + start;
        for (size_t i = 0; i < n; i++) {
            int finite = (v[i] - v[i]) == 0.0f;
            float t = span != 0.0f ? (first - v[i]) / span : 1.0f;
            t = t < 0.0f ? 0.0f : t;
            t = t > 1.0f ? 1.0f : t;
            float scaled = t * 255.0f;
            scaled = scaled == scaled ? scaled : 0.0f;   // a NaN ratio (an infinite range): entry 0
            // Round half away from zero (scaled is in 0...255): truncate, then add the half.
            int whole = (int)scaled;
            int entry = whole + ((scaled - (float)whole) >= 0.5f);
            entries[i] = finite ? entry : 256;
        }
        uint8_t *out = rgb + 3 * start;
        for (size_t i = 0; i < n; i++) {
            int entry = entries[i];
            if (entry == 256) {
                out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = 128;
            } else {
                const uint8_t *color = table + 3 * entry;
                out[3 * i] = color[0];
                out[3 * i + 1] = color[1];
                out[3 * i + 2] = color[2];
            }
        }
    }
}

// The smallest and largest value that is finite (and, with `positive`, above 0). The compiler
// does not vectorise this reduction by itself (the comparisons are ordered), so x86-64 takes
// four lanes at a time with SSE2: values that do not count become +inf / -inf, which min and max
// then never pick. Equal values are the same number, except 0 and -0 in the finite range.
static inline int cic_range(const float *values, size_t count, int positive, float *low, float *high) {
    float lo = INFINITY, hi = -INFINITY;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i sign_off = _mm_set1_epi32(0x7fffffff);
    const __m128 zero = _mm_setzero_ps(), inf = _mm_set1_ps(INFINITY), minus_inf = _mm_set1_ps(-INFINITY);
    __m128 lo4 = inf, hi4 = minus_inf;
    for (; i + 4 <= count; i += 4) {
        __m128 v = _mm_loadu_ps(values + i);
        // Finite: |v| below +inf (NaN compares false).
        __m128 counted = _mm_cmplt_ps(_mm_castsi128_ps(_mm_and_si128(_mm_castps_si128(v), sign_off)), inf);
        if (positive) counted = _mm_and_ps(counted, _mm_cmpgt_ps(v, zero));
        lo4 = _mm_min_ps(lo4, _mm_or_ps(_mm_and_ps(counted, v), _mm_andnot_ps(counted, inf)));
        hi4 = _mm_max_ps(hi4, _mm_or_ps(_mm_and_ps(counted, v), _mm_andnot_ps(counted, minus_inf)));
    }
    float lanes_lo[4], lanes_hi[4];
    _mm_storeu_ps(lanes_lo, lo4);
    _mm_storeu_ps(lanes_hi, hi4);
    for (int k = 0; k < 4; k++) {
        lo = lanes_lo[k] < lo ? lanes_lo[k] : lo;
        hi = lanes_hi[k] > hi ? lanes_hi[k] : hi;
    }
#endif
    for (; i < count; i++) {
        float v = values[i];
        // (v - v) == 0 is false for NaN and the infinities.
        int counted = (v - v) == 0.0f && (!positive || v > 0.0f);
        lo = counted && v < lo ? v : lo;
        hi = counted && v > hi ? v : hi;
    }
    *low = lo;
    *high = hi;
    // A counted value is finite, so some value counted exactly when lo is no longer +inf.
    return lo != INFINITY;
}

int cic_finite_range(const float *values, size_t count, float *low, float *high) {
    return cic_range(values, count, 0, low, high);
}

int cic_positive_range(const float *values, size_t count, float *low, float *high) {
    return cic_range(values, count, 1, low, high);
}
