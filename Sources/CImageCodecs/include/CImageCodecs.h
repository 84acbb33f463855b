#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H
// Thin C layer over libjpeg-turbo and libpng. Every function below runs one whole probe, decode
// or encode behind its own setjmp, so no longjmp ever crosses a Swift frame. Nothing is printed:
// errors (and libjpeg warnings, which are treated as errors) are copied into `message`.
// Pixels are decoded into buffers the caller allocated after probing; encoded bytes are
// allocated here and must be released with cic_free, on the thread that encoded them, before
// that thread encodes again (the PNG writer hands out a buffer it keeps per thread).

#include <stddef.h>
#include <stdint.h>

#define CIC_MESSAGE_CAPACITY 200

typedef enum {
    CIC_OK = 0,
    CIC_CORRUPT = 1,        // the data breaks the format's rules
    CIC_TRUNCATED = 2,      // the data ends before the image does
    CIC_UNSUPPORTED = 3,    // valid, but a variant we do not decode
    CIC_OUT_OF_MEMORY = 4,
    CIC_BAD_ARGUMENT = 5,   // the caller's buffer or parameters do not fit the image
    CIC_TOO_MANY_SCANS = 6  // a progressive JPEG with more scans than the caller allows
} cic_status;

typedef enum {
    CIC_JPEG_GRAY = 1, CIC_JPEG_RGB = 2, CIC_JPEG_YCBCR = 3, CIC_JPEG_CMYK = 4,
    CIC_JPEG_YCCK = 5, CIC_JPEG_OTHER = 0
} cic_jpeg_color;

typedef struct {
    uint32_t width, height;   // as declared in the frame header
    int components;           // 1, 3 or 4
    int color;                // a cic_jpeg_color
    int progressive;          // 1 when SOF2 (multi-scan)
    int adobe_marker;         // 1 when an Adobe APP14 marker was seen (CMYK stored inverted)
} cic_jpeg_header;

typedef struct {
    uint32_t width, height;
    int color_type;           // PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA
    int bit_depth;            // 1, 2, 4, 8 or 16
    int interlaced;           // 1 when Adam7
    int has_trns;             // 1 when a tRNS chunk precedes IDAT
} cic_png_header;

/// Reads the JPEG headers up to the first scan; allocates no pixel memory.
int cic_jpeg_probe(const uint8_t *data, size_t size, cic_jpeg_header *header, char *message);

/// Decodes a JPEG to 8-bit interleaved RGB at scale `scale_num`/8 (1...8, DCT-domain downscale)
/// into `rgb`, which holds `capacity` bytes. The output size must equal
/// `expected_width` x `expected_height` (ceil(dimension * scale_num / 8)). Grayscale is
/// replicated; CMYK and YCCK are converted naively (no ICC profile), Adobe-inverted CMYK
/// recognised. Progressive files with more than `max_scans` scans are refused.
int cic_jpeg_decode(const uint8_t *data, size_t size, int scale_num, int max_scans,
                    uint8_t *rgb, size_t capacity, uint32_t expected_width,
                    uint32_t expected_height, char *message);

/// Reads the PNG signature and IHDR (and chunks up to IDAT); allocates no pixel memory.
int cic_png_probe(const uint8_t *data, size_t size, cic_png_header *header, char *message);

/// Decodes any PNG (every colour type and bit depth, interlaced or not, tRNS) to 8-bit
/// interleaved RGB in `rgb`: 16-bit samples are rounded to 8 bits, alpha (including tRNS) is
/// composited over white, gamma chunks are ignored. Reads through IEND so a truncated file fails.
int cic_png_decode(const uint8_t *data, size_t size, uint8_t *rgb, size_t capacity,
                   uint32_t expected_width, uint32_t expected_height, char *message);

/// Decodes a 16-bit grayscale PNG (such as a png16 depth map) to host-order samples in `values`,
/// which holds `capacity` samples; other colour types and depths are CIC_UNSUPPORTED.
int cic_png_decode_gray16(const uint8_t *data, size_t size, uint16_t *values, size_t capacity,
                          uint32_t expected_width, uint32_t expected_height, char *message);

/// PNG row filters the writer offers (PNG 9.2 filter types).
typedef enum { CIC_PNG_FILTER_NONE = 0, CIC_PNG_FILTER_SUB = 1, CIC_PNG_FILTER_UP = 2 } cic_png_filter;

/// Encodes 8-bit interleaved RGB as PNG, every row with `filter` (a cic_png_filter), compressed by
/// the C layer's own deflate. On success *out (release with cic_free) holds *out_size bytes.
int cic_png_encode_rgb8(const uint8_t *rgb, uint32_t width, uint32_t height, int filter,
                        uint8_t **out, size_t *out_size, char *message);

/// Encodes a 16-bit grayscale grid (host order) as PNG with `text_count` tEXt chunks (Up filter,
/// the C layer's own deflate).
int cic_png_encode_gray16(const uint16_t *values, uint32_t width, uint32_t height,
                          const char *const *text_keys, const char *const *text_values,
                          int text_count, uint8_t **out, size_t *out_size, char *message);

/// The bytes cic_png_encode_gray16 gives for cic_quantize16(values, scale) (`scale` finite and
/// positive), quantising row by row instead of holding the samples whole.
int cic_png_encode_gray16_quantized(const float *values, uint32_t width, uint32_t height, float scale,
                                    const char *const *text_keys, const char *const *text_values,
                                    int text_count, uint8_t **out, size_t *out_size, char *message);

/// The same as cic_png_encode_rgb8 through libpng (adaptive filters, zlib level 1): the reference.
int cic_png_encode_rgb8_libpng(const uint8_t *rgb, uint32_t width, uint32_t height,
                               uint8_t **out, size_t *out_size, char *message);

/// The same as cic_png_encode_gray16 through libpng (Up filter, zlib level 1): the reference.
int cic_png_encode_gray16_libpng(const uint16_t *values, uint32_t width, uint32_t height,
                                 const char *const *text_keys, const char *const *text_values,
                                 int text_count, uint8_t **out, size_t *out_size, char *message);

/// Encodes 8-bit interleaved RGB as JPEG (quality 1-100, baseline or progressive, 4:2:0).
int cic_jpeg_encode_rgb8(const uint8_t *rgb, uint32_t width, uint32_t height, int quality,
                         int progressive, uint8_t **out, size_t *out_size, char *message);

/// Writes `count` 16-bit samples for `values`: 0 where a value is not finite or not positive,
/// else value * `scale` clipped to 1...65535 and rounded half away from zero.
void cic_quantize16(const float *values, size_t count, float scale, uint16_t *samples);

/// Writes `count` RGB pixels for `values` through `table` (256 RGB entries): not finite -> grey
/// 128; else entry round(255 * clamp((first - value) / (first - last), 0, 1)) (1 when
/// first == last), rounded half away from zero: `first` takes entry 0, `last` entry 255. A NaN
/// ratio (an infinite range) takes entry 0.
void cic_colorize(const float *values, size_t count, float first, float last, const uint8_t *table,
                  uint8_t *rgb);

/// The smallest and largest finite value of `values` in *low and *high; returns 0 (and leaves
/// infinities) when there is none.
int cic_finite_range(const float *values, size_t count, float *low, float *high);

/// The smallest and largest value of `values` that is finite and positive (a depth estimate) in
/// *low and *high; returns 0 (and leaves infinities) when there is none.
int cic_positive_range(const float *values, size_t count, float *low, float *high);

/// Releases memory returned by the encoders (a thread's kept PNG output buffer stays with it).
void cic_free(void *pointer);

#endif
