// Direct convolution kernels with runtime CPU dispatch: the engine's fast path where the CPU has
// the instructions (AVX-512F, or AVX2 + FMA), chosen at run time so one binary runs everywhere.
#ifndef DIRECT_CONVOLUTION_H
#define DIRECT_CONVOLUTION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Consecutive output pixels one tile of `dc_convolution_forward` computes.
#define DC_TILE_PIXELS 6

/// Tiles `dc_convolution_forward` runs as one chunk: every block of the reduction passes over the
/// chunk's tiles, whose partial sums (DC_CHUNK_SUM_COUNT floats, 96 KiB) stay in L2 between
/// blocks.
#define DC_CHUNK_TILES 64

/// Floats of the partial-sum scratch one `dc_convolution_forward` call needs: (DC_CHUNK_TILES,
/// DC_TILE_PIXELS, 64), written out so that Swift imports it (the kernel checks the product).
#define DC_CHUNK_SUM_COUNT 24576

/// Reduction steps one pass over a chunk of tiles covers by default: a group's weights for them
/// (32 KiB with AVX-512's 64 channels, 8 KiB with AVX2's 16) and the input rows they read stay in
/// L1 while every tile of the chunk reads them.
#ifndef DC_K_BLOCK_STEPS
#define DC_K_BLOCK_STEPS 128
#endif

/// A spin-wait hint to the CPU (x86 `pause`): a thread waiting on a flag another core will set
/// gives way to its sibling and does not flood the memory system with reads.
static inline void dc_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// The instruction set the direct kernels run with on this CPU: 0 none (use im2col + sgemm),
/// 1 AVX2 + FMA (8 lanes), 2 AVX-512F (16 lanes).
int dc_instruction_set(void);

/// 1 when the CPU has AVX-512 F, BW, DQ and VL (what OpenBLAS's SkylakeX kernels use), else 0.
int dc_cpu_has_avx512_skylake(void);

/// 1 when the CPU has AVX2 and FMA (OpenBLAS's Haswell kernels), else 0.
int dc_cpu_has_avx2_fma(void);

/// Output channels one packed weight group holds for instruction set `isa` (64 or 16).
int dc_group_channels(int isa);

/// Output-channel groups of a layer with `out_channels` channels: the units `dc_convolution_forward`
/// can split between threads besides pixels.
int dc_group_count(int isa, int out_channels);

/// Reduction steps (weight rows of one input position) per block by default: DC_K_BLOCK_STEPS.
int dc_default_k_block(int isa);

/// Floats of packed weights for `out_channels` x `k_length` weights: groups x k_length x group width.
int64_t dc_packed_weight_count(int isa, int out_channels, int k_length);

/// Packs weights (out_channels, k_length) row-major into the layout the kernels read:
/// group g (channels g*G ..< g*G+G) is (k_length, lanes) with lanes = the group's channels rounded
/// up to the vector width, zero-filled.
void dc_pack_weights(int isa, const float *weights, int out_channels, int k_length, float *packed);

/// Copies `planes` (height, width) planes into (height + 2 pad, width + 2 pad) planes with zero borders.
void dc_pad_planes(const float *input, int64_t planes, int height, int width, int pad, float *padded);

/// One convolution over a (C, N, Hp, Wp) zero-padded (or unpadded when padding is 0) input.
typedef struct dc_convolution {
    const float *input;          // (C, N, Hp, Wp)
    int in_channels, batch, padded_height, padded_width;
    int kernel, stride;
    int out_channels, out_height, out_width;
    const float *packed_weights; // dc_pack_weights of (Cout, C * k * k)
    const float *bias;           // (Cout)
    float *output;               // (Cout, N, oh, ow)
    int relu;
    int k_block;                 // reduction steps per block; 0: dc_default_k_block (others for tests)
} dc_convolution;

/// Fills kernel_offsets (C * k * k values) with each weight step's offset into an input window:
/// the same for every pixel, so computed once per layer call and shared by its threads.
void dc_kernel_offsets(const dc_convolution *c, int64_t *kernel_offsets);

/// Computes output pixels first_pixel ..< first_pixel + pixel_count (flat (N, oh, ow) indices) of
/// the output channels of groups first_group ..< first_group + group_count (`dc_group_count`);
/// disjoint (group, pixel) ranges may run on different threads at once. kernel_offsets:
/// `dc_kernel_offsets` of `c`. Ranges starting on a multiple of DC_TILE_PIXELS keep every tile
/// whole. The reduction runs in blocks of `c->k_block` steps, each over a chunk of tiles, with
/// the partial sums kept exactly between blocks: the sums equal one unblocked pass bit for bit.
/// sums: DC_CHUNK_SUM_COUNT floats of scratch, 64-byte aligned, of this call's own.
void dc_convolution_forward(int isa, const dc_convolution *c, int first_group, int group_count,
                            int64_t first_pixel, int64_t pixel_count, const int64_t *kernel_offsets, float *sums);

/// Whether `dc_single_channel_forward` runs with instruction set `isa` (AVX-512F only).
int dc_single_channel_available(int isa);

/// A stride-1 convolution to one output channel; `packed_weights` here is the plain (1, C * k * k)
/// weight row. Computes output rows first_row ..< first_row + row_count (flat (N, oh) indices).
void dc_single_channel_forward(int isa, const dc_convolution *c, int64_t first_row, int64_t row_count);

/// Whether `dc_fully_connected` runs with instruction set `isa` (AVX-512F or AVX2 + FMA).
int dc_fully_connected_available(int isa);

/// output rows first_row ..< first_row + row_count of a fully connected layer:
/// output (count, rows) = input (count, cols) x weights (rows, cols)^T + bias (rows), ReLU if asked.
/// Disjoint row ranges may run on different threads at once.
void dc_fully_connected(int isa, const float *weights, int rows, int cols, const float *input, int count,
                        const float *bias, int relu, float *output, int first_row, int row_count);

/// Whether `dc_fully_connected_half` runs with instruction set `isa` (AVX-512F, or AVX2 + FMA with F16C).
int dc_fully_connected_half_available(int isa);

/// Values per packed half row for `cols` inputs: cols rounded up to 16 (the padding is zero).
int64_t dc_fc_half_row_stride(int cols);

/// Narrows weights (rows, cols) to IEEE binary16 (round to nearest even; exact for values that
/// came from binary16) into `packed` (rows, dc_fc_half_row_stride(cols)), zero-padded. Needs F16C:
/// call it only where `dc_fully_connected_half_available`.
void dc_pack_fc_half(const float *weights, int rows, int cols, uint16_t *packed);

/// `dc_fully_connected` on weights kept as binary16 (`dc_pack_fc_half`), widened in registers and
/// accumulated in fp32 in the same order, so the result equals `dc_fully_connected` on the widened
/// weights bit for bit.
void dc_fully_connected_half(int isa, const uint16_t *packed, int rows, int cols, const float *input, int count,
                             const float *bias, int relu, float *output, int first_row, int row_count);

/// Whether `dc_max_pool_3x3s2` runs with instruction set `isa` (AVX-512F only).
int dc_max_pool_available(int isa);

/// Floats of scratch `dc_max_pool_3x3s2` needs for planes `width` wide.
int64_t dc_max_pool_scratch_count(int width);

/// 3x3 stride-2 max pooling in ceil mode (no padding; border windows cover only existing pixels)
/// of `planes` (height, width) planes into (out_height, out_width) planes.
void dc_max_pool_3x3s2(int isa, const float *input, int64_t planes, int height, int width, int out_height,
                       int out_width, float *output, float *scratch);

/// Writes a chunk's sums for one group of output channels to their planes (the step after its
/// tiles, sum_store.c): for c < channels and
/// p < count, out[c * plane + p] = sums[p * lanes + c] + bias[c], then max(value, 0) when `relu`
/// (NaN and -0 become +0, as the vector max gives it). `isa` 2 (AVX-512F, lanes a multiple of 16)
/// or 1 (AVX2, a multiple of 8) transposes blocks of pixels x channels in registers; anything else
/// runs the plain loop, which is also what the vector paths do at the edges.
void dc_store_sums(int isa, const float *sums, int lanes, int channels, int64_t count, const float *bias, int relu,
                   float *out, int64_t plane);

/// The plain loop of dc_store_sums for every element: the reference the tests compare it with.
void dc_store_sums_reference(const float *sums, int lanes, int channels, int64_t count, const float *bias, int relu,
                             float *out, int64_t plane);
#ifdef __cplusplus
}
#endif

#endif
