// Float grids to 16-bit samples, in one branch-free loop the compiler vectorises.
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
