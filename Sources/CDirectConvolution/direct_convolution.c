// Register-blocked direct convolution: every tile computes PIXELS consecutive output pixels for up
// to a group of output channels held as vectors, broadcasting one input value per pixel and weight
// step; weights are packed once per model so each step reads them as contiguous vectors. The
// reduction runs in blocks (DC_K_BLOCK_STEPS steps) over a chunk of tiles (DC_CHUNK_TILES) at a
// time, so a block's weights are read from L1 by every tile instead of the whole group's weights
// streaming through L1 for each tile.
#include "direct_convolution.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <string.h>

#define PIXELS DC_TILE_PIXELS
_Static_assert(DC_CHUNK_SUM_COUNT == DC_CHUNK_TILES * DC_TILE_PIXELS * 64, "DC_CHUNK_SUM_COUNT is the chunk's partial sums");

int dc_cpu_has_avx512_skylake(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

int dc_cpu_has_avx2_fma(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int dc_instruction_set(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
#endif
    return dc_cpu_has_avx2_fma();
}

static int vector_width(int isa) { return isa == 2 ? 16 : 8; }
int dc_group_channels(int isa) { return isa == 2 ? 64 : 16; }

static int group_lanes(int isa, int out_channels, int group) {
    int g = dc_group_channels(isa), w = vector_width(isa);
    int channels = out_channels - group * g < g ? out_channels - group * g : g;
    return (channels + w - 1) / w * w;
}

int64_t dc_packed_weight_count(int isa, int out_channels, int k_length) {
    int g = dc_group_channels(isa);
    return (int64_t)((out_channels + g - 1) / g) * g * k_length;
}

void dc_pack_weights(int isa, const float *weights, int out_channels, int k_length, float *packed) {
    int g = dc_group_channels(isa), groups = (out_channels + g - 1) / g;
    memset(packed, 0, sizeof(float) * (size_t)dc_packed_weight_count(isa, out_channels, k_length));
    for (int group = 0; group < groups; group++) {
        int lanes = group_lanes(isa, out_channels, group);
        float *target = packed + (int64_t)group * g * k_length; // (k_length, lanes)
        for (int lane = 0; lane < g && group * g + lane < out_channels; lane++) {
            const float *row = weights + (int64_t)(group * g + lane) * k_length;
            for (int k = 0; k < k_length; k++) target[(int64_t)k * lanes + lane] = row[k];
        }
    }
}

void dc_pad_planes(const float *input, int64_t planes, int height, int width, int pad, float *padded) {
    int pw = width + 2 * pad;
    for (int64_t p = 0; p < planes; p++) {
        const float *source = input + p * height * width;
        float *target = padded + p * (int64_t)(height + 2 * pad) * pw;
        memset(target, 0, sizeof(float) * (size_t)pad * pw);
        for (int y = 0; y < height; y++) {
            float *row = target + (int64_t)(y + pad) * pw;
            memset(row, 0, sizeof(float) * pad);
            memcpy(row + pad, source + (int64_t)y * width, sizeof(float) * width);
            memset(row + pad + width, 0, sizeof(float) * pad);
        }
        memset(target + (int64_t)(height + pad) * pw, 0, sizeof(float) * (size_t)pad * pw);
    }
}

// sums: (PIXELS, V * width), the tile's partial sums over the reduction steps before this block:
// read unless `first` (then the sums start at zero), and overwritten with the sums after it.
// base[j]: input window origin of pixel j; offsets, w: the block's first step. Storing a sum and
// loading it again is exact, so a reduction split into blocks gives the same sums as one pass.
#define DEFINE_TILE(NAME, TARGET, VEC, ZERO, LOAD, SET1, FMA, STORE, WIDTH, V)                      \
    __attribute__((target(TARGET))) static void NAME(const float *const *base, const int64_t *offsets, \
                                                     int steps, const float *w, int first, float *sums) { \
        VEC acc[PIXELS][V];                                                                         \
        _Pragma("clang loop unroll(full)") for (int j = 0; j < PIXELS; j++)                         \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++)                          \
                acc[j][v] = first ? ZERO() : LOAD(sums + (j * V + v) * WIDTH);                      \
        const float *b0 = base[0], *b1 = base[1], *b2 = base[2], *b3 = base[3], *b4 = base[4], *b5 = base[5]; \
        for (int k = 0; k < steps; k++) {                                                           \
            int64_t o = offsets[k];                                                                 \
            VEC wv[V];                                                                              \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) wv[v] = LOAD(w + v * WIDTH); \
            w += V * WIDTH;                                                                         \
            VEC x;                                                                                  \
            x = SET1(b0[o]); _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) acc[0][v] = FMA(x, wv[v], acc[0][v]); \
            x = SET1(b1[o]); _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) acc[1][v] = FMA(x, wv[v], acc[1][v]); \
            x = SET1(b2[o]); _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) acc[2][v] = FMA(x, wv[v], acc[2][v]); \
            x = SET1(b3[o]); _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) acc[3][v] = FMA(x, wv[v], acc[3][v]); \
            x = SET1(b4[o]); _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) acc[4][v] = FMA(x, wv[v], acc[4][v]); \
            x = SET1(b5[o]); _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) acc[5][v] = FMA(x, wv[v], acc[5][v]); \
        }                                                                                           \
        _Pragma("clang loop unroll(full)") for (int j = 0; j < PIXELS; j++)                         \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) STORE(sums + (j * V + v) * WIDTH, acc[j][v]); \
    }

#if defined(__x86_64__)
DEFINE_TILE(tile512_1, "avx512f", __m512, _mm512_setzero_ps, _mm512_loadu_ps, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_storeu_ps, 16, 1)
DEFINE_TILE(tile512_2, "avx512f", __m512, _mm512_setzero_ps, _mm512_loadu_ps, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_storeu_ps, 16, 2)
DEFINE_TILE(tile512_3, "avx512f", __m512, _mm512_setzero_ps, _mm512_loadu_ps, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_storeu_ps, 16, 3)
DEFINE_TILE(tile512_4, "avx512f", __m512, _mm512_setzero_ps, _mm512_loadu_ps, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_storeu_ps, 16, 4)
DEFINE_TILE(tile256_1, "avx2,fma", __m256, _mm256_setzero_ps, _mm256_loadu_ps, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_storeu_ps, 8, 1)
DEFINE_TILE(tile256_2, "avx2,fma", __m256, _mm256_setzero_ps, _mm256_loadu_ps, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_storeu_ps, 8, 2)
#endif

typedef void (*tile_function)(const float *const *, const int64_t *, int, const float *, int, float *);

static tile_function tile_for(int isa, int vectors) {
#if defined(__x86_64__)
    if (isa == 2) {
        switch (vectors) { case 1: return tile512_1; case 2: return tile512_2; case 3: return tile512_3; default: return tile512_4; }
    }
    if (isa == 1) return vectors == 1 ? tile256_1 : tile256_2;
#endif
    return 0;
}

int dc_group_count(int isa, int out_channels) {
    int g = dc_group_channels(isa);
    return (out_channels + g - 1) / g;
}

int dc_default_k_block(int isa) { (void)isa; return DC_K_BLOCK_STEPS; }

void dc_kernel_offsets(const dc_convolution *c, int64_t *kernel_offsets) {
    const int k = c->kernel, wp = c->padded_width;
    const int64_t channel_stride = (int64_t)c->batch * c->padded_height * wp;
    for (int ci = 0; ci < c->in_channels; ci++)
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
                kernel_offsets[(ci * k + ky) * k + kx] = ci * channel_stride + (int64_t)ky * wp + kx;
}

void dc_convolution_forward(int isa, const dc_convolution *c, int first_group, int group_count,
                            int64_t first_pixel, int64_t pixel_count, const int64_t *kernel_offsets, float *sums) {
    const int k = c->kernel, s = c->stride, hp = c->padded_height, wp = c->padded_width;
    const int k_length = c->in_channels * k * k, width = vector_width(isa), g = dc_group_channels(isa);
    const int k_block = c->k_block > 0 ? c->k_block : dc_default_k_block(isa);
    const int64_t image_area = (int64_t)hp * wp;
    const int64_t area = (int64_t)c->out_height * c->out_width, plane = (int64_t)c->batch * area;
    const float *base[DC_CHUNK_TILES][PIXELS];
    int valid[DC_CHUNK_TILES];
    // sums: (tiles, PIXELS, lanes) of the current chunk and group.
    const int64_t end = first_pixel + pixel_count;
    // Output coordinates of the next chunk's first pixel, advanced one pixel at a time.
    int64_t n = first_pixel / area, r = first_pixel % area;
    int64_t oy = r / c->out_width, ox = r % c->out_width;
    for (int64_t chunk_start = first_pixel; chunk_start < end; chunk_start += DC_CHUNK_TILES * PIXELS) {
        const int64_t chunk_end = chunk_start + DC_CHUNK_TILES * PIXELS < end ? chunk_start + DC_CHUNK_TILES * PIXELS : end;
        const int tiles = (int)((chunk_end - chunk_start + PIXELS - 1) / PIXELS);
        for (int t = 0; t < tiles; t++) {
            valid[t] = chunk_end - chunk_start - t * PIXELS < PIXELS ? (int)(chunk_end - chunk_start - t * PIXELS) : PIXELS;
            for (int j = 0; j < PIXELS; j++) {
                // A short last tile repeats its last pixel; only valid pixels are stored.
                if (j < valid[t]) {
                    base[t][j] = c->input + n * image_area + oy * s * wp + ox * s;
                    if (++ox == c->out_width) { ox = 0; if (++oy == c->out_height) { oy = 0; n++; } }
                } else {
                    base[t][j] = base[t][valid[t] - 1];
                }
            }
        }
        for (int group = first_group; group < first_group + group_count; group++) {
            const int lanes = group_lanes(isa, c->out_channels, group);
            const int channels = c->out_channels - group * g < g ? c->out_channels - group * g : g;
            const tile_function run = tile_for(isa, lanes / width);
            const float *w = c->packed_weights + (int64_t)group * g * k_length; // (k_length, lanes)
            // One block of reduction steps at a time over every tile of the chunk, so that the
            // block's weights (k_block x lanes floats) stay in L1 while the tiles read them.
            for (int step = 0; step < k_length; step += k_block) {
                const int steps = k_length - step < k_block ? k_length - step : k_block;
                for (int t = 0; t < tiles; t++)
                    run(base[t], kernel_offsets + step, steps, w + (int64_t)step * lanes, step == 0, sums + t * PIXELS * lanes);
            }
            // Only the chunk's last tile can be short, so its valid pixels are 0..<chunk_end - chunk_start.
            dc_store_sums(isa, sums, lanes, channels, chunk_end - chunk_start, c->bias + group * g, c->relu,
                          c->output + (int64_t)group * g * plane + chunk_start, plane);
        }
    }
}

// Fully connected: ROWS weight rows against IMAGES inputs per pass, so every weight row streamed
// from memory serves all images of the pass (the layer is bound by reading its weights). WTYPE is
// the stored weight type: float, or uint16_t binary16 widened by WLOAD in registers (exact), so
// both kinds run the same FMAs in the same order and give bit-identical sums on the same values.
// Every weight row is prefetched FC_PREFETCH_BYTES ahead of its loads: with 8 rows streaming at
// once the hardware prefetcher alone leaves one core at about 12.5 GB/s; this gives about 14 (fc6
// at paper size, batch 1, measured with a stand-alone timing of these kernels).
#define FC_PREFETCH_BYTES 512
#define DEFINE_FC(NAME, TARGET, VEC, WIDTH, MASK_TYPE, MAKE_MASK, WTYPE, WLOAD, LOAD, ZERO, FMA, REDUCE, ROWS, IMAGES) \
    __attribute__((target(TARGET))) static void NAME(const void *const *w, const float *const *x,   \
                                                    int cols, float *sums) {                        \
        VEC acc[ROWS][IMAGES];                                                                      \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++)                           \
            _Pragma("clang loop unroll(full)") for (int i = 0; i < IMAGES; i++) acc[r][i] = ZERO(); \
        for (int k = 0; k < cols; k += WIDTH) {                                                     \
            const MASK_TYPE mask = MAKE_MASK(cols - k);                                             \
            VEC wv[ROWS];                                                                           \
            _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) {                          \
                _mm_prefetch((const char *)((const WTYPE *)w[r] + k) + FC_PREFETCH_BYTES, _MM_HINT_T0); \
                wv[r] = WLOAD(mask, (const WTYPE *)w[r] + k);                                       \
            }                                                                                       \
            _Pragma("clang loop unroll(full)") for (int i = 0; i < IMAGES; i++) {                   \
                VEC xv = LOAD(mask, x[i] + k);                                                      \
                _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) acc[r][i] = FMA(wv[r], xv, acc[r][i]); \
            }                                                                                       \
        }                                                                                           \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++)                           \
            _Pragma("clang loop unroll(full)") for (int i = 0; i < IMAGES; i++) sums[r * IMAGES + i] = REDUCE(acc[r][i]); \
    }

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static inline __mmask16 mask512(int left) {
    return left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
}
__attribute__((target("avx512f"))) static inline __m512 load512(__mmask16 mask, const float *p) { return _mm512_maskz_loadu_ps(mask, p); }
// Half rows are zero-padded to whole vectors (dc_pack_fc_half), so the load needs no mask; the
// padding widens to +0, what the float kernel's masked loads give.
__attribute__((target("avx512f"))) static inline __m512 load512_half(__mmask16 mask, const uint16_t *p) {
    (void)mask;
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
}
__attribute__((target("avx2,fma"))) static inline __m256i mask256(int left) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
__attribute__((target("avx2,fma"))) static inline __m256 load256(__m256i mask, const float *p) { return _mm256_maskload_ps(p, mask); }
__attribute__((target("avx2,fma,f16c"))) static inline __m256 load256_half(__m256i mask, const uint16_t *p) {
    (void)mask;
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}
__attribute__((target("avx2,fma"))) static inline float reduce256(__m256 v) {
    __m128 sum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
    sum = _mm_add_ss(sum, _mm_movehdup_ps(sum));
    return _mm_cvtss_f32(sum);
}
#define FC512(NAME, ROWS, IMAGES) DEFINE_FC(NAME, "avx512f", __m512, 16, __mmask16, mask512, float, load512, load512, _mm512_setzero_ps, _mm512_fmadd_ps, _mm512_reduce_add_ps, ROWS, IMAGES)
#define FC256(NAME, ROWS, IMAGES) DEFINE_FC(NAME, "avx2,fma", __m256, 8, __m256i, mask256, float, load256, load256, _mm256_setzero_ps, _mm256_fmadd_ps, reduce256, ROWS, IMAGES)
#define FC512H(NAME, ROWS, IMAGES) DEFINE_FC(NAME, "avx512f", __m512, 16, __mmask16, mask512, uint16_t, load512_half, load512, _mm512_setzero_ps, _mm512_fmadd_ps, _mm512_reduce_add_ps, ROWS, IMAGES)
#define FC256H(NAME, ROWS, IMAGES) DEFINE_FC(NAME, "avx2,fma,f16c", __m256, 8, __m256i, mask256, uint16_t, load256_half, load256, _mm256_setzero_ps, _mm256_fmadd_ps, reduce256, ROWS, IMAGES)
FC512(fc512_8x1, 8, 1)
FC512(fc512_4x2, 4, 2)
FC512(fc512_4x4, 4, 4)
FC512(fc512_3x8, 3, 8)
FC256(fc256_4x1, 4, 1)
FC256(fc256_4x2, 4, 2)
FC256(fc256_2x4, 2, 4)
FC256(fc256_1x8, 1, 8)
FC512H(fc512h_8x1, 8, 1)
FC512H(fc512h_4x2, 4, 2)
FC512H(fc512h_4x4, 4, 4)
FC512H(fc512h_3x8, 3, 8)
FC256H(fc256h_4x1, 4, 1)
FC256H(fc256h_4x2, 4, 2)
FC256H(fc256h_2x4, 2, 4)
FC256H(fc256h_1x8, 1, 8)
#endif

int dc_fully_connected_available(int isa) { return isa == 1 || isa == 2; }

int dc_fully_connected_half_available(int isa) {
#if defined(__x86_64__)
    // AVX-512F has its own vcvtph2ps; the AVX2 kernels need F16C beside AVX2 + FMA.
    if (isa == 2) return 1;
    if (isa == 1) { __builtin_cpu_init(); return __builtin_cpu_supports("f16c"); }
#endif
    return 0;
}

int64_t dc_fc_half_row_stride(int cols) { return ((int64_t)cols + 15) / 16 * 16; }

#if defined(__x86_64__)
__attribute__((target("f16c"))) static void narrow_row(const float *source, int cols, uint16_t *target) {
    int k = 0;
    for (; k + 8 <= cols; k += 8)
        _mm_storeu_si128((__m128i *)(target + k), _mm256_cvtps_ph(_mm256_loadu_ps(source + k), _MM_FROUND_TO_NEAREST_INT));
    for (; k < cols; k++) target[k] = _cvtss_sh(source[k], _MM_FROUND_TO_NEAREST_INT);
}
#endif

void dc_pack_fc_half(const float *weights, int rows, int cols, uint16_t *packed) {
    const int64_t stride = dc_fc_half_row_stride(cols);
    memset(packed, 0, sizeof(uint16_t) * (size_t)(stride * rows));
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("f16c")) return;
    for (int r = 0; r < rows; r++) narrow_row(weights + (int64_t)r * cols, cols, packed + r * stride);
#endif
}

typedef void (*fc_function)(const void *const *, const float *const *, int, float *);

// The float and half kernels for a pass of `images` images, with the rows each pass takes: row
// blocks sized so that the sums fit the registers (32 vectors with AVX-512, 16 with AVX2).
static fc_function fc_kernel(int isa, int half, int images, int *block) {
#if defined(__x86_64__)
    switch (images) {
    case 8: *block = isa == 2 ? 3 : 1; return isa == 2 ? (half ? fc512h_3x8 : fc512_3x8) : (half ? fc256h_1x8 : fc256_1x8);
    case 4: *block = isa == 2 ? 4 : 2; return isa == 2 ? (half ? fc512h_4x4 : fc512_4x4) : (half ? fc256h_2x4 : fc256_2x4);
    case 2: *block = 4; return isa == 2 ? (half ? fc512h_4x2 : fc512_4x2) : (half ? fc256h_4x2 : fc256_4x2);
    default: *block = isa == 2 ? 8 : 4; return isa == 2 ? (half ? fc512h_8x1 : fc512_8x1) : (half ? fc256h_4x1 : fc256_4x1);
    }
#else
    (void)isa; (void)half; (void)images; *block = 1;
    return 0;
#endif
}

// weights: row r starts at weights + r * row_bytes; element type per `half`.
static void fully_connected(int isa, int half, const char *weights, int64_t row_bytes, int rows, int cols,
                            const float *input, int count, const float *bias, int relu, float *output,
                            int first_row, int row_count) {
    float sums[32];
    const void *w[8];
    const float *x[8];
    for (int first_image = 0; first_image < count;) {
        const int left = count - first_image;
        const int images = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
        int block;
        const fc_function run = fc_kernel(isa, half, images, &block);
        for (int i = 0; i < images; i++) x[i] = input + (int64_t)(first_image + i) * cols;
        for (int row = first_row; row < first_row + row_count; row += block) {
            const int valid = first_row + row_count - row < block ? first_row + row_count - row : block;
            // A short last block repeats its last row; only valid rows are stored.
            for (int r = 0; r < block; r++) w[r] = weights + (int64_t)(row + (r < valid ? r : valid - 1)) * row_bytes;
            run(w, x, cols, sums);
            for (int r = 0; r < valid; r++)
                for (int i = 0; i < images; i++) {
                    float value = sums[r * images + i] + bias[row + r];
                    output[(int64_t)(first_image + i) * rows + row + r] = relu && value < 0 ? 0 : value;
                }
        }
        first_image += images;
    }
}

void dc_fully_connected(int isa, const float *weights, int rows, int cols, const float *input, int count,
                        const float *bias, int relu, float *output, int first_row, int row_count) {
    if (!dc_fully_connected_available(isa)) return;
    fully_connected(isa, 0, (const char *)weights, (int64_t)cols * sizeof(float), rows, cols, input, count, bias, relu,
                    output, first_row, row_count);
}

void dc_fully_connected_half(int isa, const uint16_t *packed, int rows, int cols, const float *input, int count,
                             const float *bias, int relu, float *output, int first_row, int row_count) {
    if (!dc_fully_connected_half_available(isa)) return;
    fully_connected(isa, 1, (const char *)packed, dc_fc_half_row_stride(cols) * (int64_t)sizeof(uint16_t), rows, cols,
                    input, count, bias, relu, output, first_row, row_count);
}

// One output channel, stride 1: SINGLE_ROWS output rows at once, each as up to SINGLE_VECTORS
// vectors of 16 pixels, every weight a broadcast. The SINGLE_ROWS x V sums are independent, so
// both FMA units stay busy; one row at a time (4 sums) left every FMA waiting on the one before.
// Each pixel's sum starts from the bias and adds channel by channel, row by row, column by
// column: the order of the plain loop.
#define SINGLE_ROWS 4
#define SINGLE_VECTORS 6
#if defined(__x86_64__)
#define DEFINE_SINGLE(NAME, V)                                                                           \
    __attribute__((target("avx512f"))) static void NAME(const float *const *rows, int64_t channel_stride,  \
                                                        int wp, int in_channels, int k, const float *weights, \
                                                        __mmask16 last, float bias, int relu, int valid,      \
                                                        float *const *out) {                              \
        __m512 acc[SINGLE_ROWS][V];                                                                       \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < SINGLE_ROWS; r++)                          \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) acc[r][v] = _mm512_set1_ps(bias); \
        const float *w = weights;                                                                         \
        for (int c = 0; c < in_channels; c++)                                                             \
            for (int ky = 0; ky < k; ky++) {                                                              \
                const int64_t offset = c * channel_stride + (int64_t)ky * wp;                             \
                for (int kx = 0; kx < k; kx++) {                                                          \
                    const __m512 coefficient = _mm512_set1_ps(*w++);                                      \
                    _Pragma("clang loop unroll(full)") for (int r = 0; r < SINGLE_ROWS; r++) {            \
                        const float *at = rows[r] + offset + kx;                                          \
                        _Pragma("clang loop unroll(full)") for (int v = 0; v < V - 1; v++)                \
                            acc[r][v] = _mm512_fmadd_ps(coefficient, _mm512_loadu_ps(at + 16 * v), acc[r][v]); \
                        acc[r][V - 1] = _mm512_fmadd_ps(coefficient, _mm512_maskz_loadu_ps(last, at + 16 * (V - 1)), \
                                                        acc[r][V - 1]);                                   \
                    }                                                                                     \
                }                                                                                         \
            }                                                                                             \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < SINGLE_ROWS; r++) {                        \
            if (r >= valid) break;                                                                        \
            _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) {                              \
                const __m512 value = relu ? _mm512_max_ps(acc[r][v], _mm512_setzero_ps()) : acc[r][v];    \
                _mm512_mask_storeu_ps(out[r] + 16 * v, v == V - 1 ? last : (__mmask16)0xFFFF, value);     \
            }                                                                                             \
        }                                                                                                 \
    }
DEFINE_SINGLE(single_1, 1)
DEFINE_SINGLE(single_2, 2)
DEFINE_SINGLE(single_3, 3)
DEFINE_SINGLE(single_4, 4)
DEFINE_SINGLE(single_5, 5)
DEFINE_SINGLE(single_6, 6)

typedef void (*single_function)(const float *const *, int64_t, int, int, int, const float *, __mmask16, float, int,
                                int, float *const *);
static const single_function single_kernels[SINGLE_VECTORS] = {single_1, single_2, single_3, single_4, single_5, single_6};
#endif

int dc_single_channel_available(int isa) { return isa == 2; }

void dc_single_channel_forward(int isa, const dc_convolution *c, int64_t first_row, int64_t row_count) {
#if defined(__x86_64__)
    if (isa != 2 || c->stride != 1) return;
    const int64_t image_area = (int64_t)c->padded_height * c->padded_width, channel_stride = (int64_t)c->batch * image_area;
    // The row's vectors in chunks of at most SINGLE_VECTORS, as equal as whole vectors allow.
    const int vectors = (c->out_width + 15) / 16, chunks = (vectors + SINGLE_VECTORS - 1) / SINGLE_VECTORS;
    for (int64_t group = first_row; group < first_row + row_count; group += SINGLE_ROWS) {
        const int valid = first_row + row_count - group < SINGLE_ROWS ? (int)(first_row + row_count - group) : SINGLE_ROWS;
        const float *rows[SINGLE_ROWS];
        float *out[SINGLE_ROWS];
        for (int r = 0; r < SINGLE_ROWS; r++) {
            // A short last group repeats its last row; only valid rows are stored.
            const int64_t row = group + (r < valid ? r : valid - 1), n = row / c->out_height, oy = row % c->out_height;
            rows[r] = c->input + n * image_area + oy * c->padded_width;
            out[r] = c->output + row * c->out_width;
        }
        for (int chunk = 0, first = 0; chunk < chunks; chunk++) {
            const int count = vectors / chunks + (chunk < vectors % chunks);
            const int left = c->out_width - 16 * (first + count - 1);   // pixels in the chunk's last vector
            const __mmask16 last = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
            const float *chunk_rows[SINGLE_ROWS];
            float *chunk_out[SINGLE_ROWS];
            for (int r = 0; r < SINGLE_ROWS; r++) chunk_rows[r] = rows[r] + 16 * first, chunk_out[r] = out[r] + 16 * first;
            single_kernels[count - 1](chunk_rows, channel_stride, c->padded_width, c->in_channels, c->kernel,
                                      c->packed_weights, last, c->bias[0], c->relu, valid, chunk_out);
            first += count;
        }
    }
#endif
}

// 3x3 stride-2 max pooling in ceil mode: each output row takes the column-wise max of its (up to)
// three input rows into a scratch row padded with -infinity, then every 16 outputs take the max of
// the scratch's even, odd and next-even elements.
#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void pool_plane(const float *source, int height, int width, int out_height,
                                                          int out_width, float *target, float *scratch) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    for (int oy = 0; oy < out_height; oy++) {
        const int y0 = 2 * oy, y1 = y0 + 3 < height ? y0 + 3 : height;
        for (int x = 0; x < width; x += 16) {
            const __mmask16 mask = width - x >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (width - x)) - 1);
            __m512 column = _mm512_maskz_loadu_ps(mask, source + (int64_t)y0 * width + x);
            for (int y = y0 + 1; y < y1; y++) column = _mm512_max_ps(column, _mm512_maskz_loadu_ps(mask, source + (int64_t)y * width + x));
            _mm512_mask_storeu_ps(scratch + x, mask, column);
        }
        for (int ox = 0; ox < out_width; ox += 16) {
            const float *base = scratch + 2 * ox;
            const __mmask16 mask = out_width - ox >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (out_width - ox)) - 1);
            __m512 a = _mm512_loadu_ps(base), b = _mm512_loadu_ps(base + 16);
            __m512 c = _mm512_loadu_ps(base + 2), d = _mm512_loadu_ps(base + 18);
            __m512 best = _mm512_max_ps(_mm512_permutex2var_ps(a, even, b), _mm512_permutex2var_ps(a, odd, b));
            best = _mm512_max_ps(best, _mm512_permutex2var_ps(c, even, d));
            _mm512_mask_storeu_ps(target + (int64_t)oy * out_width + ox, mask, best);
        }
    }
}
#endif

int dc_max_pool_available(int isa) { return isa == 2; }

int64_t dc_max_pool_scratch_count(int width) { return (int64_t)width + 64; }

void dc_max_pool_3x3s2(int isa, const float *input, int64_t planes, int height, int width, int out_height,
                       int out_width, float *output, float *scratch) {
#if defined(__x86_64__)
    if (isa != 2) return;
    // Reads run up to 2 * out_width + 34 <= width + 36 values into the scratch row.
    for (int x = width; x < width + 64; x++) scratch[x] = -__builtin_inff();
    for (int64_t p = 0; p < planes; p++)
        pool_plane(input + p * height * width, height, width, out_height, out_width,
                   output + p * out_height * out_width, scratch);
#endif
}
