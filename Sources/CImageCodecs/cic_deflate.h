#ifndef CIC_DEFLATE_H
#define CIC_DEFLATE_H
// The C layer's own zlib-format compressor (deflate_fast.c) and checksums (checksums.c), used
// by the PNG writer (png_writer.c); not part of the module's public header.
#include <stddef.h>
#include <stdint.h>

/// The most bytes cic_zlib_compress can write for `size` input bytes.
size_t cic_zlib_bound(size_t size);

/// What an input's matches are like, which decides how they are searched for.
typedef enum {
    CIC_MATCHES_SHORT,   ///< most of 4-8 bytes, at every distance (Up-filtered 16-bit depth maps)
    CIC_MATCHES_LONG,    ///< long exact repeats (colour-mapped previews, RGB rows)
} cic_match_kind;

/// Compresses `data` into a zlib stream (RFC 1950: header, DEFLATE blocks, Adler-32) in `out`,
/// which holds `capacity` >= cic_zlib_bound(size) bytes, searching matches as suits `kind`. The
/// same input and kind always give the same bytes. Returns the bytes written, 0 on failure (no
/// memory for the match table, a buffer smaller than the bound, or an unknown kind). Inputs
/// below 2 GiB.
size_t cic_zlib_compress(const uint8_t *data, size_t size, cic_match_kind kind, uint8_t *out, size_t capacity);

/// Adler-32 (RFC 1950) of `data`, continuing from `adler` (start with 1).
uint32_t cic_adler32(uint32_t adler, const uint8_t *data, size_t size);

/// CRC-32 as PNG chunks use it (ISO 3309), continuing from `crc` (start with 0).
uint32_t cic_crc32(uint32_t crc, const uint8_t *data, size_t size);
#endif
