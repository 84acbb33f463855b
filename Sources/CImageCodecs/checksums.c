// The zlib stream's Adler-32 (RFC 1950) and the PNG chunks' CRC-32 (ISO 3309), declared in
// cic_deflate.h: SSE2 sums for Adler-32, slicing by 8 for the CRC.
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "cic_deflate.h"

uint32_t cic_adler32(uint32_t adler, const uint8_t *data, size_t size) {
    uint32_t a = adler & 0xffff, b = adler >> 16;
#if defined(__SSE2__)
    // 16 bytes at a time (SSE2 is part of x86-64): the byte sums by SAD, the weighted sums
    // (16..1) by multiply-add on 16-bit lanes; combined modulo 65521 after each chunk.
    const __m128i zero = _mm_setzero_si128();
    const __m128i weights_low = _mm_setr_epi16(16, 15, 14, 13, 12, 11, 10, 9);
    const __m128i weights_high = _mm_setr_epi16(8, 7, 6, 5, 4, 3, 2, 1);
    while (size >= 16) {
        size_t blocks = size / 16 < 347 ? size / 16 : 347;   // 347 * 16 <= 5552, no lane overflows
        __m128i sums = zero, prefix = zero, weighted = zero;
        for (size_t k = 0; k < blocks; k++) {
            __m128i bytes = _mm_loadu_si128((const __m128i *)(data + 16 * k));
            prefix = _mm_add_epi32(prefix, sums);
            sums = _mm_add_epi32(sums, _mm_sad_epu8(bytes, zero));
            weighted = _mm_add_epi32(weighted, _mm_madd_epi16(_mm_unpacklo_epi8(bytes, zero), weights_low));
            weighted = _mm_add_epi32(weighted, _mm_madd_epi16(_mm_unpackhi_epi8(bytes, zero), weights_high));
        }
        uint32_t lanes[4];
        _mm_storeu_si128((__m128i *)lanes, sums);
        uint64_t byte_sum = (uint64_t)lanes[0] + lanes[2];
        _mm_storeu_si128((__m128i *)lanes, prefix);
        uint64_t prefix_sum = (uint64_t)lanes[0] + lanes[2];
        _mm_storeu_si128((__m128i *)lanes, weighted);
        uint64_t weighted_sum = (uint64_t)lanes[0] + lanes[1] + lanes[2] + lanes[3];
        uint64_t b64 = b + 16 * (uint64_t)blocks * a + 16 * prefix_sum + weighted_sum;
        a = (uint32_t)((a + byte_sum) % 65521);
        b = (uint32_t)(b64 % 65521);
        data += 16 * blocks;
        size -= 16 * blocks;
    }
#endif
    while (size > 0) {
        size_t chunk = size < 5552 ? size : 5552;   // the most bytes before b can overflow 32 bits
        size -= chunk;
        for (size_t i = 0; i < chunk; i++) {
            a += data[i];
            b += a;
        }
        data += chunk;
        a %= 65521;
        b %= 65521;
    }
    return b << 16 | a;
}

static uint32_t cic_crc_table[8][256];
static pthread_once_t cic_crc_once = PTHREAD_ONCE_INIT;

static void cic_build_crc(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        cic_crc_table[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++) {
        for (int t = 1; t < 8; t++) cic_crc_table[t][n] = (cic_crc_table[t - 1][n] >> 8) ^ cic_crc_table[0][cic_crc_table[t - 1][n] & 0xff];
    }
}

uint32_t cic_crc32(uint32_t crc, const uint8_t *data, size_t size) {
    pthread_once(&cic_crc_once, cic_build_crc);
    uint32_t c = ~crc;
    // Slicing by 8: eight table look-ups per 8 bytes instead of a dependent chain of eight.
    while (size >= 8) {
        uint32_t lo = c ^ ((uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24);
        uint32_t hi = (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16 | (uint32_t)data[7] << 24;
        c = cic_crc_table[7][lo & 0xff] ^ cic_crc_table[6][(lo >> 8) & 0xff] ^ cic_crc_table[5][(lo >> 16) & 0xff] ^
            cic_crc_table[4][lo >> 24] ^ cic_crc_table[3][hi & 0xff] ^ cic_crc_table[2][(hi >> 8) & 0xff] ^
            cic_crc_table[1][(hi >> 16) & 0xff] ^ cic_crc_table[0][hi >> 24];
        data += 8;
        size -= 8;
    }
    while (size-- > 0) c = cic_crc_table[0][(c ^ *data++) & 0xff] ^ (c >> 8);
    return ~c;
}
