// The PNG writer answers are encoded with: rows filtered with one fixed filter, compressed in one
// pass by cic_zlib_compress straight into the IDAT chunk of the output buffer, chunks and CRCs
// written here. libpng's writer (png_codec.c) stays as the reference the tests compare against.
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "cic_deflate.h"
#include "cic_scratch.h"
#include "codec_common.h"

static void cic_store32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

// Writes the chunk's length and type at `chunk`, whose data (`length` bytes) follows; returns the
// position after its CRC.
static uint8_t *cic_close_chunk(uint8_t *chunk, const char type[4], size_t length) {
    cic_store32(chunk, (uint32_t)length);
    memcpy(chunk + 4, type, 4);
    cic_store32(chunk + 8 + length, cic_crc32(0, chunk + 4, length + 4));
    return chunk + 12 + length;
}

// The rows of a gray16 image: host-order samples, or floats that cic_quantize16 turns into
// samples row by row (`scale` > 0), so that a depth map in metres is never held as samples whole.
typedef struct {
    const uint16_t *samples;
    const float *values;
    float scale;
    uint16_t *rows;   // with `values`: two rows of samples, the current one and the one above
} cic_gray16_rows;

static const uint16_t *cic_gray16_row(const cic_gray16_rows *image, uint32_t y, uint32_t width) {
    if (image->values == NULL) return image->samples + (size_t)y * width;
    uint16_t *row = image->rows + (size_t)(y & 1) * width;
    cic_quantize16(image->values + (size_t)y * width, width, image->scale, row);
    return row;
}

// Filters rows into `filtered` (one filter-type byte, then the row; PNG 9.2). gray16 rows
// (`pixels` a cic_gray16_rows) are written big-endian and filtered Up (depth maps are smooth from
// row to row); RGB rows take `filter`.
static void cic_filter_rows(const void *pixels, uint32_t width, uint32_t height, int gray16, int filter,
                            uint8_t *filtered) {
    size_t row_bytes = (size_t)width * (gray16 ? 2 : 3);
    if (gray16) {
        // Up on big-endian samples is the bytewise difference of the byte-swapped samples, taken
        // from the samples themselves: no big-endian copy of the rows. The first row's "above"
        // is zeros.
        const cic_gray16_rows *image = pixels;
        static const uint16_t zeros[8] = {0};
        const uint16_t *above = NULL;
        for (uint32_t y = 0; y < height; y++) {
            const uint16_t *row = cic_gray16_row(image, y, width);
            uint8_t *out = filtered + (size_t)y * (row_bytes + 1);
            out[0] = CIC_PNG_FILTER_UP;
            uint32_t x = 0;
#if defined(__SSE2__)
            // Eight samples at a time (SSE2 is part of x86-64).
            for (; x + 8 <= width; x += 8) {
                __m128i now = _mm_loadu_si128((const __m128i *)(row + x));
                __m128i up = _mm_loadu_si128((const __m128i *)(above != NULL ? above + x : zeros));
                now = _mm_or_si128(_mm_slli_epi16(now, 8), _mm_srli_epi16(now, 8));
                up = _mm_or_si128(_mm_slli_epi16(up, 8), _mm_srli_epi16(up, 8));
                _mm_storeu_si128((__m128i *)(out + 1 + 2 * x), _mm_sub_epi8(now, up));
            }
#endif
            for (; x < width; x++) {
                uint16_t up = above != NULL ? above[x] : 0;
                out[1 + 2 * x] = (uint8_t)((row[x] >> 8) - (up >> 8));
                out[2 + 2 * x] = (uint8_t)(row[x] - up);
            }
            above = row;
        }
        return;
    }
    const uint8_t *rgb = (const uint8_t *)pixels;
    for (uint32_t y = 0; y < height; y++) {
        const uint8_t *row = rgb + (size_t)y * row_bytes, *above = y > 0 ? row - row_bytes : NULL;
        uint8_t *out = filtered + (size_t)y * (row_bytes + 1);
        out[0] = (uint8_t)filter;
        if (filter == CIC_PNG_FILTER_SUB) {
            memcpy(out + 1, row, row_bytes < 3 ? row_bytes : 3);
            for (size_t i = 3; i < row_bytes; i++) out[1 + i] = (uint8_t)(row[i] - row[i - 3]);
        } else if (filter == CIC_PNG_FILTER_UP && above != NULL) {
            for (size_t i = 0; i < row_bytes; i++) out[1 + i] = (uint8_t)(row[i] - above[i]);
        } else {
            memcpy(out + 1, row, row_bytes);   // None, or Up on the first row (the row above is zeros)
        }
    }
}

static int cic_png_write_image(const void *pixels, uint32_t width, uint32_t height, int gray16, int filter,
                               const char *const *keys, const char *const *values, int text_count,
                               uint8_t **out, size_t *out_size, char *message) {
    if (pixels == NULL || out == NULL || out_size == NULL || width == 0 || height == 0 ||
        width > (1u << 24) || height > (1u << 24) || text_count < 0 ||
        (text_count > 0 && (keys == NULL || values == NULL)) || filter < CIC_PNG_FILTER_NONE ||
        filter > CIC_PNG_FILTER_UP) {
        cic_set_message(message, "bad arguments to PNG encode");
        return CIC_BAD_ARGUMENT;
    }
    size_t row_bytes = (size_t)width * (gray16 ? 2 : 3);
    if ((size_t)height > (SIZE_MAX / 2) / (row_bytes + 1) || (row_bytes + 1) * height > 0x7fffffffu) {
        cic_set_message(message, "PNG image too large");
        return CIC_BAD_ARGUMENT;
    }
    size_t raw_size = (row_bytes + 1) * height;
    size_t text_bytes = 0;
    for (int i = 0; i < text_count; i++) {
        if (keys[i] == NULL || values[i] == NULL) {
            cic_set_message(message, "bad arguments to PNG encode");
            return CIC_BAD_ARGUMENT;
        }
        text_bytes += 12 + strlen(keys[i]) + 1 + strlen(values[i]);
    }
    size_t bound = cic_zlib_bound(raw_size);
    size_t capacity = 8 + 25 + text_bytes + 12 + bound + 12;
    uint8_t *filtered = cic_scratch_take(CIC_SCRATCH_FILTERED, raw_size);
    uint8_t *png = cic_scratch_take(CIC_SCRATCH_OUTPUT, capacity);
    if (filtered == NULL || png == NULL) {
        cic_scratch_release(CIC_SCRATCH_FILTERED, filtered);
        cic_scratch_release(CIC_SCRATCH_OUTPUT, png);
        cic_set_message(message, "out of memory");
        return CIC_OUT_OF_MEMORY;
    }
    cic_filter_rows(pixels, width, height, gray16, filter, filtered);

    static const uint8_t signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    memcpy(png, signature, 8);
    uint8_t *p = png + 8;
    uint8_t *ihdr = p + 8;
    cic_store32(ihdr, width);
    cic_store32(ihdr + 4, height);
    ihdr[8] = gray16 ? 16 : 8;   // bit depth
    ihdr[9] = gray16 ? 0 : 2;    // colour type: gray, RGB
    ihdr[10] = 0;                // deflate
    ihdr[11] = 0;                // adaptive filtering (per-row filter byte)
    ihdr[12] = 0;                // not interlaced
    p = cic_close_chunk(p, "IHDR", 13);
    for (int i = 0; i < text_count; i++) {
        size_t key = strlen(keys[i]), value = strlen(values[i]);
        memcpy(p + 8, keys[i], key);
        p[8 + key] = 0;
        memcpy(p + 9 + key, values[i], value);
        p = cic_close_chunk(p, "tEXt", key + 1 + value);
    }
    // Filtered depth maps are rounding noise on smooth rows: short matches everywhere.
    cic_match_kind kind = gray16 ? CIC_MATCHES_SHORT : CIC_MATCHES_LONG;
    size_t compressed = cic_zlib_compress(filtered, raw_size, kind, p + 8, bound);
    cic_scratch_release(CIC_SCRATCH_FILTERED, filtered);
    if (compressed == 0) {
        cic_scratch_release(CIC_SCRATCH_OUTPUT, png);
        cic_set_message(message, "PNG compression failed");
        return CIC_OUT_OF_MEMORY;
    }
    p = cic_close_chunk(p, "IDAT", compressed);
    p = cic_close_chunk(p, "IEND", 0);
    *out = png;
    *out_size = (size_t)(p - png);
    return CIC_OK;
}

int cic_png_encode_rgb8(const uint8_t *rgb, uint32_t width, uint32_t height, int filter,
                        uint8_t **out, size_t *out_size, char *message) {
    return cic_png_write_image(rgb, width, height, 0, filter, NULL, NULL, 0, out, out_size, message);
}

int cic_png_encode_gray16(const uint16_t *values, uint32_t width, uint32_t height,
                          const char *const *text_keys, const char *const *text_values,
                          int text_count, uint8_t **out, size_t *out_size, char *message) {
    cic_gray16_rows image = {values, NULL, 0, NULL};
    return cic_png_write_image(values != NULL ? &image : NULL, width, height, 1, CIC_PNG_FILTER_UP, text_keys,
                               text_values, text_count, out, out_size, message);
}

int cic_png_encode_gray16_quantized(const float *values, uint32_t width, uint32_t height, float scale,
                                    const char *const *text_keys, const char *const *text_values,
                                    int text_count, uint8_t **out, size_t *out_size, char *message) {
    if (!(scale > 0.0f && (scale - scale) == 0.0f)) {   // finite and positive (NaN fails both)
        cic_set_message(message, "bad arguments to PNG encode");
        return CIC_BAD_ARGUMENT;
    }
    // The current row and the one above; a width the writer refuses gets none (it fails there).
    size_t row_samples = width <= (1u << 24) ? 2 * (size_t)width : 0;
    uint16_t *rows = row_samples > 0 ? malloc(row_samples * sizeof(uint16_t)) : NULL;
    if (row_samples > 0 && rows == NULL) {
        cic_set_message(message, "out of memory");
        return CIC_OUT_OF_MEMORY;
    }
    cic_gray16_rows image = {NULL, values, scale, rows};
    int status = cic_png_write_image(values != NULL ? &image : NULL, width, height, 1, CIC_PNG_FILTER_UP, text_keys,
                                     text_values, text_count, out, out_size, message);
    free(rows);
    return status;
}
