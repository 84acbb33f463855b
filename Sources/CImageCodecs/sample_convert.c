// Per-pixel conversions of float grids (depth): to 16-bit samples in one branch-free loop the
// compiler vectorises, and to colours through a 256-entry table.
#include <math.h>
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

// The smallest and largest value that is finite (and, with `positive`, above 0); inlined into
// each caller with `positive` constant, so both loops stay branch-free and vectorise.
static inline int cic_range(const float *values, size_t count, int positive, float *low, float *high) {
    float lo = INFINITY, hi = -INFINITY;
    int any = 0;
    for (size_t i = 0; i < count; i++) {
        float v = values[i];
        // (v - v) == 0 is false for NaN and the infinities.
        int counted = (v - v) == 0.0f && (!positive || v > 0.0f);
        // Strict comparisons keep the first of equal values, as Array.min()/max() do.
        lo = counted && v < lo ? v : lo;
        hi = counted && v > hi ? v : hi;
        any |= counted;
    }
    *low = lo;
    *high = hi;
    return any;
}

int cic_finite_range(const float *values, size_t count, float *low, float *high) {
    return cic_range(values, count, 0, low, high);
}

int cic_positive_range(const float *values, size_t count, float *low, float *high) {
    return cic_range(values, count, 1, low, high);
}
