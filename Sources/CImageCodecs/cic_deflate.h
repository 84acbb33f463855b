#ifndef CIC_DEFLATE_H
#define CIC_DEFLATE_H
// The C layer's own zlib-format compressor and checksums (deflate_fast.c), used by the PNG
// writer (png_writer.c); not part of the module's public header.
#include <stddef.h>
#include <stdint.h>

/// The most bytes cic_zlib_compress can write for `size` input bytes.
size_t cic_zlib_bound(size_t size);

/// Compresses `data` into a zlib stream (RFC 1950: header, DEFLATE blocks, Adler-32) in `out`,
/// which holds `capacity` >= cic_zlib_bound(size) bytes. Returns the bytes written, 0 on failure
/// (no memory for the match table, or a buffer smaller than the bound). Inputs below 2 GiB.
size_t cic_zlib_compress(const uint8_t *data, size_t size, uint8_t *out, size_t capacity);

/// Adler-32 (RFC 1950) of `data`, continuing from `adler` (start with 1).
uint32_t cic_adler32(uint32_t adler, const uint8_t *data, size_t size);

/// CRC-32 as PNG chunks use it (ISO 3309), continuing from `crc` (start with 0).
uint32_t cic_crc32(uint32_t crc, const uint8_t *data, size_t size);
#endif
