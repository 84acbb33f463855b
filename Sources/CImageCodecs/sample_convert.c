// Per-pixel conversions of float grids (depth): to 16-bit samples in one branch-free loop the
// compiler vectorises, and to colours through a 256-entry table.
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

void cic_colorize(const float *values, size_t count, float near, float far, const uint8_t *table,
                  uint8_t *rgb) {
    float span = far - near;
    for (size_t i = 0; i < count; i++) {
        float v = values[i];
        uint8_t *out = rgb + 3 * i;
        if ((v - v) != 0.0f) {   // not finite: no estimate, mid grey
            out[0] = out[1] = out[2] = 128;
            continue;
        }
        float t = span != 0.0f ? (far - v) / span : 1.0f;
        t = t < 0.0f ? 0.0f : t;
        t = t > 1.0f ? 1.0f : t;
        float scaled = t * 255.0f;
        // Round half away from zero (scaled is in 0...255): truncate, then add the half.
        int whole = scaled == scaled ? (int)scaled : 0;
        int entry = whole + ((scaled - (float)whole) >= 0.5f);
        const uint8_t *color = table + 3 * entry;
        out[0] = color[0];
        out[1] = color[1];
        out[2] = color[2];
    }
}
