// A small, fast zlib (RFC 1950) / DEFLATE (RFC 1951) compressor for the PNG writer: greedy LZ77
// with a hash table (5-byte hashes, the whole 32 KiB window) shaped for what the input's matches
// are like (cic_match_kind), dynamic Huffman blocks built from each block's own statistics, a
// 64-bit bit buffer, and a stored block wherever Huffman coding would not be smaller. zlib's
// level 1 spends most of its time in its 16-bit bit writer and hash chains; for depth maps this
// is several times faster at a similar size.
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "cic_deflate.h"
#include "cic_scratch.h"

#define CIC_WINDOW 32768u
#define CIC_MIN_MATCH 4u
#define CIC_MAX_MATCH 258u
#define CIC_BLOCK_INPUT (1u << 17)   // input bytes per block at most: each block gets its own codes
// Tokens per block at most: a block also ends where its tokens would not fit (incompressible
// input, 1 byte a token). Depth maps' blocks end by bytes (several a token); this keeps a
// call's token buffer at 128 KiB, not 512 (fewer fresh pages to touch).
#define CIC_BLOCK_TOKENS (1u << 15)
#define CIC_TOKEN_STOP (CIC_BLOCK_TOKENS - CIC_MAX_MATCH)   // room left for a block's last bytes
#define CIC_LITLEN_SYMBOLS 286
#define CIC_DIST_SYMBOLS 30
#define CIC_CODELEN_SYMBOLS 19

// Length 3...258 -> symbol 257...285 and extra bits (RFC 1951 3.2.5).
static const uint16_t cic_length_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                             35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t cic_length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                             3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t cic_dist_base[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                           257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                           8193, 12289, 16385, 24577};
static const uint8_t cic_dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                           7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
static const uint8_t cic_codelen_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

static uint8_t cic_length_symbol[CIC_MAX_MATCH + 1];   // length -> index into cic_length_base
static uint8_t cic_dist_symbol_small[512];             // (distance - 1) < 256 direct, else >> 7
static pthread_once_t cic_tables_once = PTHREAD_ONCE_INIT;

static void cic_build_tables(void) {
    for (int s = 0; s < 29; s++) {
        int last = s == 28 ? 258 : cic_length_base[s] + (1 << cic_length_extra[s]) - 1;
        for (int len = cic_length_base[s]; len <= last && len <= 258; len++) cic_length_symbol[len] = (uint8_t)s;
    }
    cic_length_symbol[258] = 28;
    for (int s = 0; s < 30; s++) {
        unsigned first = cic_dist_base[s], last = first + (1u << cic_dist_extra[s]) - 1;
        for (unsigned d = first; d <= last; d++) {
            if (d <= 256) cic_dist_symbol_small[d - 1] = (uint8_t)s;
            else cic_dist_symbol_small[256 + ((d - 1) >> 7)] = (uint8_t)s;
        }
    }
}

// Distance 1...32768 -> symbol 0...29, and its extra bits' value in `extra`. A table for
// distances to 256, then one per 128: cheaper than the bit-length formula on baseline x86-64.
static inline unsigned cic_dist_symbol(unsigned distance, unsigned *extra) {
    unsigned index = distance <= 256 ? distance - 1 : 256 + ((distance - 1) >> 7);
    unsigned symbol = cic_dist_symbol_small[index];
    *extra = distance - cic_dist_base[symbol];
    return symbol;
}

static inline uint32_t cic_load32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t cic_load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

// ---- match finding ----

// The match table: 2^bits buckets of `ways` positions each (newest first), hashed on the first
// CIC_HASH_BYTES bytes at a position, read as 8 (so a position needs 8 bytes of input).
typedef struct {
    uint32_t *entries;
    int ways, bits;
} cic_table;

// Five bytes, though a match needs only CIC_MIN_MATCH: a filtered depth map repeats its 4-byte
// contexts (two 16-bit differences) so often that the newest entry with the same 4 bytes rarely
// agrees on more, while one with the same 5 usually does. The 640x480 depth map of
// scripts/bench-codecs.sh: 142,100 bytes against 150,799 hashing 4, and faster; its colour
// preview 134,179 against 135,845.
#define CIC_HASH_BYTES 5
#define CIC_HASH_READ 8u

static inline uint32_t *cic_bucket(cic_table t, const uint8_t *at) {
    uint64_t key = cic_load64(at) << (64 - 8 * CIC_HASH_BYTES);
    return t.entries + (size_t)t.ways * (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - t.bits));
}

// Makes `position` (whose bytes `data + position` are) the newest entry of its bucket.
static inline void cic_insert(cic_table t, const uint8_t *data, uint32_t position) {
    uint32_t *bucket = cic_bucket(t, data + position);
    for (int k = t.ways - 1; k > 0; k--) bucket[k] = bucket[k - 1];
    bucket[0] = position;
}

// Length of the match of `a` against the earlier `b` (whose first 4 bytes are tested against
// `first4`, a's), up to `limit`; 0 when fewer than CIC_MIN_MATCH bytes agree.
static inline size_t cic_match_length(const uint8_t *a, const uint8_t *b, uint32_t first4, size_t limit) {
    if (cic_load32(b) != first4) return 0;
    size_t length = CIC_MIN_MATCH;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    // Eight bytes at a time: the first differing byte is the lowest set byte of the XOR.
    while (length + 8 <= limit) {
        uint64_t x = cic_load64(a + length) ^ cic_load64(b + length);
        if (x != 0) return length + ((size_t)__builtin_ctzll(x) >> 3);
        length += 8;
    }
#endif
    while (length < limit && a[length] == b[length]) length++;
    return length;
}

// The longest match for `position` among its bucket's entries (the nearest on a tie), up to
// `limit` bytes; 0 when none has CIC_MIN_MATCH. Indexes `position`.
static inline __attribute__((always_inline)) size_t cic_find(cic_table t, const uint8_t *data, size_t position, size_t limit, unsigned *distance) {
    uint32_t *bucket = cic_bucket(t, data + position);
    uint32_t here = cic_load32(data + position), candidate[2];   // ways is 1 or 2
    for (int k = 0; k < t.ways; k++) candidate[k] = bucket[k];
    for (int k = t.ways - 1; k > 0; k--) bucket[k] = bucket[k - 1];
    bucket[0] = (uint32_t)position;
    size_t length = 0;
    for (int k = 0; k < t.ways; k++) {
        if ((uint32_t)position - candidate[k] - 1u >= CIC_WINDOW) continue;   // empty (0), or too far back
        size_t found = cic_match_length(data + position, data + candidate[k], here, limit);
        if (found > length) length = found, *distance = (unsigned)(position - candidate[k]);
    }
    return length;
}

// ---- Huffman code lengths, limited to `limit` bits ----

typedef struct { uint32_t freq; uint16_t symbol; } cic_leaf;

static int cic_leaf_order(const void *a, const void *b) {
    const cic_leaf *x = a, *y = b;
    if (x->freq != y->freq) return x->freq < y->freq ? -1 : 1;
    return (int)x->symbol - (int)y->symbol;
}

// Optimal lengths (two-queue Huffman over leaves sorted by frequency); when the longest exceeds
// `limit`, the frequencies are halved (keeping every used symbol at least 1) and the code rebuilt:
// slightly longer output in that rare case, always a valid, complete prefix code.
static void cic_huffman_lengths(const uint32_t *freq_in, int n, int limit, uint8_t *lengths) {
    uint32_t freq[CIC_LITLEN_SYMBOLS];
    cic_leaf leaves[CIC_LITLEN_SYMBOLS];
    uint32_t weight[2 * CIC_LITLEN_SYMBOLS];
    int parent[2 * CIC_LITLEN_SYMBOLS];
    memcpy(freq, freq_in, sizeof(uint32_t) * (size_t)n);
    memset(lengths, 0, (size_t)n);
    int used = 0;
    for (int s = 0; s < n; s++) used += freq[s] != 0;
    // A complete code needs two symbols; decoders accept the extra unused one.
    for (int s = 0; used < 2 && s < n; s++) {
        if (freq[s] == 0) { freq[s] = 1; used++; }
    }
    for (;;) {
        int count = 0;
        for (int s = 0; s < n; s++) {
            if (freq[s]) { leaves[count].freq = freq[s]; leaves[count].symbol = (uint16_t)s; count++; }
        }
        qsort(leaves, (size_t)count, sizeof(cic_leaf), cic_leaf_order);
        // Nodes 0..count-1 are leaves (sorted), count.. are internal, created in non-decreasing weight.
        for (int i = 0; i < count; i++) weight[i] = leaves[i].freq;
        int next_leaf = 0, next_node = count, made = count;
        for (int k = 0; k < count - 1; k++) {
            int pick[2];
            for (int j = 0; j < 2; j++) {
                if (next_leaf < count && (next_node >= made || weight[next_leaf] <= weight[next_node])) pick[j] = next_leaf++;
                else pick[j] = next_node++;
            }
            weight[made] = weight[pick[0]] + weight[pick[1]];
            parent[pick[0]] = parent[pick[1]] = made;
            made++;
        }
        if (count < 2) return;   // unreachable: at least two symbols were made used above
        int root = made - 1, longest = 0;
        // Depths from the root down: parents are created after their children.
        uint8_t depth[2 * CIC_LITLEN_SYMBOLS];
        depth[root] = 0;
        for (int i = root - 1; i >= 0; i--) depth[i] = (uint8_t)(depth[parent[i]] + 1);
        for (int i = 0; i < count; i++) {
            lengths[leaves[i].symbol] = depth[i];
            if (depth[i] > longest) longest = depth[i];
        }
        if (longest <= limit) return;
        for (int s = 0; s < n; s++) if (freq[s]) freq[s] = (freq[s] >> 1) | 1;
    }
}

// Canonical codes (RFC 1951 3.2.2), bit-reversed for LSB-first output.
static void cic_canonical_codes(const uint8_t *lengths, int n, uint16_t *codes) {
    uint16_t count[16] = {0}, next[16];
    for (int s = 0; s < n; s++) count[lengths[s]]++;
    count[0] = 0;
    uint16_t code = 0;
    for (int bits = 1; bits < 16; bits++) {
        code = (uint16_t)((code + count[bits - 1]) << 1);
        next[bits] = code;
    }
    for (int s = 0; s < n; s++) {
        int len = lengths[s];
        if (len == 0) { codes[s] = 0; continue; }
        uint16_t c = next[len]++, reversed = 0;
        for (int b = 0; b < len; b++) reversed = (uint16_t)(reversed | (((c >> b) & 1u) << (len - 1 - b)));
        codes[s] = reversed;
    }
}

// ---- bit output ----

typedef struct {
    uint8_t *out, *end;
    uint64_t bits;
    unsigned count;
} cic_bits;

// Adds up to 32 bits; the caller's buffer is sized so that no write runs past `end` (checked).
static inline void cic_put(cic_bits *w, uint32_t value, unsigned n) {
    w->bits |= (uint64_t)value << w->count;
    w->count += n;
    if (w->count >= 32) {
        if (w->end - w->out >= 4) {
            uint32_t word = (uint32_t)w->bits;
            uint8_t b[4] = {(uint8_t)word, (uint8_t)(word >> 8), (uint8_t)(word >> 16), (uint8_t)(word >> 24)};
            memcpy(w->out, b, 4);
        }
        w->out += 4;
        w->bits >>= 32;
        w->count -= 32;
    }
}

// Flushes to a byte boundary (pending bits padded with zeros).
static void cic_align(cic_bits *w) {
    while (w->count > 0) {
        if (w->out < w->end) *w->out = (uint8_t)w->bits;
        w->out++;
        w->bits >>= 8;
        w->count = w->count > 8 ? w->count - 8 : 0;
    }
    w->bits = 0;
}

// ---- one block ----

// A token, as the writer needs it: its value (10 bits: a literal byte 0...255, or a match length
// 3...258 as CIC_LENGTH_VALUE + length) | distance symbol << 10 (5; CIC_DIST_SYMBOLS for a
// literal) | distance extra bits' value << 15 (13). A value's code and extra bits are one table
// entry for the writer, so a match costs no length-symbol look-up while it is found.
#define CIC_LENGTH_VALUE 254
#define CIC_VALUES (CIC_LENGTH_VALUE + CIC_MAX_MATCH + 1)
#define CIC_TOKEN_DIST_SHIFT 10
#define CIC_TOKEN_EXTRA_SHIFT 15

typedef struct {
    uint32_t value_freq[CIC_VALUES];   // per token value, folded into litlen_freq at the block's end
    uint32_t litlen_freq[CIC_LITLEN_SYMBOLS], dist_freq[CIC_DIST_SYMBOLS];
    uint8_t litlen_len[CIC_LITLEN_SYMBOLS], dist_len[CIC_DIST_SYMBOLS];
    uint16_t litlen_code[CIC_LITLEN_SYMBOLS], dist_code[CIC_DIST_SYMBOLS];
    // The run-length coded code lengths of the header: symbol | extra value << 8.
    uint16_t header[CIC_LITLEN_SYMBOLS + CIC_DIST_SYMBOLS];
    int header_count, hlit, hdist, hclen;
    uint32_t codelen_freq[CIC_CODELEN_SYMBOLS];
    uint8_t codelen_len[CIC_CODELEN_SYMBOLS];
    uint16_t codelen_code[CIC_CODELEN_SYMBOLS];
} cic_block_codes;

// Appends the token of a match and counts its value and distance symbol.
static inline void cic_emit_match(cic_block_codes *c, uint32_t *token, size_t length, unsigned distance) {
    unsigned extra, ds = cic_dist_symbol(distance, &extra);
    unsigned value = CIC_LENGTH_VALUE + (unsigned)length;
    *token = value | ds << CIC_TOKEN_DIST_SHIFT | extra << CIC_TOKEN_EXTRA_SHIFT;
    c->value_freq[value]++;
    c->dist_freq[ds]++;
}

static inline void cic_emit_literal(cic_block_codes *c, uint32_t *token, uint8_t byte) {
    *token = byte | (uint32_t)CIC_DIST_SYMBOLS << CIC_TOKEN_DIST_SHIFT;
    c->value_freq[byte]++;
}

// The block's symbol frequencies from its token values' (lengths to their length symbols).
static void cic_fold_frequencies(cic_block_codes *c) {
    memcpy(c->litlen_freq, c->value_freq, 256 * sizeof(uint32_t));
    memset(c->litlen_freq + 256, 0, (CIC_LITLEN_SYMBOLS - 256) * sizeof(uint32_t));
    c->litlen_freq[256] = 1;   // end of block
    for (unsigned length = 3; length <= CIC_MAX_MATCH; length++) {
        c->litlen_freq[257 + cic_length_symbol[length]] += c->value_freq[CIC_LENGTH_VALUE + length];
    }
}

static void cic_rle_header(cic_block_codes *c) {
    uint8_t all[CIC_LITLEN_SYMBOLS + CIC_DIST_SYMBOLS];
    int total = c->hlit + c->hdist;
    memcpy(all, c->litlen_len, (size_t)c->hlit);
    memcpy(all + c->hlit, c->dist_len, (size_t)c->hdist);
    memset(c->codelen_freq, 0, sizeof c->codelen_freq);
    c->header_count = 0;
    for (int i = 0; i < total;) {
        uint8_t len = all[i];
        int run = 1;
        while (i + run < total && all[i + run] == len) run++;
        if (len == 0 && run >= 3) {
            int take = run > 138 ? 138 : run;
            if (take >= 11) c->header[c->header_count++] = (uint16_t)(18 | (take - 11) << 8), c->codelen_freq[18]++;
            else c->header[c->header_count++] = (uint16_t)(17 | (take - 3) << 8), c->codelen_freq[17]++;
            i += take;
        } else if (len != 0 && run >= 4) {
            // One literal length, then repeats of it (3-6 each).
            c->header[c->header_count++] = len, c->codelen_freq[len]++;
            int left = run - 1;
            while (left >= 3) {
                int take = left > 6 ? 6 : left;
                c->header[c->header_count++] = (uint16_t)(16 | (take - 3) << 8), c->codelen_freq[16]++;
                left -= take;
            }
            for (int k = 0; k < left; k++) c->header[c->header_count++] = len, c->codelen_freq[len]++;
            i += run;
        } else {
            c->header[c->header_count++] = len, c->codelen_freq[len]++;
            i++;
        }
    }
    cic_huffman_lengths(c->codelen_freq, CIC_CODELEN_SYMBOLS, 7, c->codelen_len);
    cic_canonical_codes(c->codelen_len, CIC_CODELEN_SYMBOLS, c->codelen_code);
    c->hclen = CIC_CODELEN_SYMBOLS;
    while (c->hclen > 4 && c->codelen_len[cic_codelen_order[c->hclen - 1]] == 0) c->hclen--;
}

static const uint8_t cic_header_extra_bits[19] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7};

// Bits the dynamic block would take (header + data + end of block).
static uint64_t cic_dynamic_bits(const cic_block_codes *c) {
    uint64_t bits = 3 + 5 + 5 + 4 + 3u * (unsigned)c->hclen;
    for (int i = 0; i < c->header_count; i++) {
        int s = c->header[i] & 0xff;
        bits += c->codelen_len[s] + cic_header_extra_bits[s];
    }
    for (int s = 0; s < CIC_LITLEN_SYMBOLS; s++) {
        bits += (uint64_t)c->litlen_freq[s] * (c->litlen_len[s] + (s >= 257 ? cic_length_extra[s - 257] : 0));
    }
    for (int s = 0; s < CIC_DIST_SYMBOLS; s++) bits += (uint64_t)c->dist_freq[s] * (c->dist_len[s] + cic_dist_extra[s]);
    return bits;
}

static void cic_write_stored(cic_bits *w, const uint8_t *data, size_t size, int final) {
    do {
        size_t take = size > 65535 ? 65535 : size;
        size -= take;
        cic_put(w, (final && size == 0) ? 1u : 0u, 3);   // BFINAL, BTYPE = 00
        cic_align(w);
        uint8_t head[4] = {(uint8_t)take, (uint8_t)(take >> 8), (uint8_t)~take, (uint8_t)(~take >> 8)};
        if (w->end - w->out >= (ptrdiff_t)(4 + take)) {
            memcpy(w->out, head, 4);
            memcpy(w->out + 4, data, take);
        }
        w->out += 4 + take;
        data += take;
    } while (size > 0);
}

// Writes the block's tokens with a branch-free bit writer: each token adds at most 48 bits to
// fewer than 8 pending, then all whole bytes go out in one 8-byte store. The caller checked that
// the block (whose exact size cic_dynamic_bits gave) plus 8 bytes of slack fits.
static void cic_write_dynamic(cic_bits *w, const cic_block_codes *c, const uint32_t *tokens, size_t token_count,
                              int final) {
    cic_put(w, (final ? 1u : 0u) | (2u << 1), 3);   // BTYPE = 10
    cic_put(w, (uint32_t)(c->hlit - 257), 5);
    cic_put(w, (uint32_t)(c->hdist - 1), 5);
    cic_put(w, (uint32_t)(c->hclen - 4), 4);
    for (int i = 0; i < c->hclen; i++) cic_put(w, c->codelen_len[cic_codelen_order[i]], 3);
    for (int i = 0; i < c->header_count; i++) {
        int s = c->header[i] & 0xff;
        cic_put(w, c->codelen_code[s], c->codelen_len[s]);
        if (cic_header_extra_bits[s]) cic_put(w, (uint32_t)(c->header[i] >> 8), cic_header_extra_bits[s]);
    }
    // Per token value: its code with the length's extra bits after it (low 32 bits) and their
    // total bit count (high 32). Per distance symbol: code | code bits << 16 | total bits << 24;
    // symbol 30 marks a literal (no bits).
    uint64_t value_bits[CIC_VALUES];
    uint32_t dist_entry[CIC_DIST_SYMBOLS + 1];
    for (int v = 0; v < 256; v++) value_bits[v] = c->litlen_code[v] | (uint64_t)c->litlen_len[v] << 32;
    value_bits[256] = value_bits[257] = value_bits[258] = 0;   // never a token value
    for (unsigned length = 3; length <= CIC_MAX_MATCH; length++) {
        unsigned ls = cic_length_symbol[length], symbol = 257 + ls;
        value_bits[CIC_LENGTH_VALUE + length] =
            ((uint32_t)c->litlen_code[symbol] | (uint32_t)(length - cic_length_base[ls]) << c->litlen_len[symbol]) |
            (uint64_t)(c->litlen_len[symbol] + cic_length_extra[ls]) << 32;
    }
    for (int s = 0; s < CIC_DIST_SYMBOLS; s++) {
        dist_entry[s] = c->dist_code[s] | (uint32_t)c->dist_len[s] << 16 | (uint32_t)(c->dist_len[s] + cic_dist_extra[s]) << 24;
    }
    dist_entry[CIC_DIST_SYMBOLS] = 0;
    uint64_t bits = w->bits;
    unsigned count = w->count;
    uint8_t *out = w->out;
    // Bring the pending bits below 8, as the loop expects.
    while (count >= 8) { *out++ = (uint8_t)bits; bits >>= 8; count -= 8; }
    for (size_t t = 0; t < token_count; t++) {
        uint32_t token = tokens[t];
        uint64_t value = value_bits[token & ((1u << CIC_TOKEN_DIST_SHIFT) - 1)];
        uint32_t dist = dist_entry[(token >> CIC_TOKEN_DIST_SHIFT) & 31];
        bits |= (uint64_t)(uint32_t)value << count;
        count += (unsigned)(value >> 32);
        bits |= (uint64_t)((dist & 0xffff) | (token >> CIC_TOKEN_EXTRA_SHIFT) << ((dist >> 16) & 0xff)) << count;
        count += dist >> 24;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        memcpy(out, &bits, 8);
#else
        for (int b = 0; b < 8; b++) out[b] = (uint8_t)(bits >> (8 * b));
#endif
        out += count >> 3;
        bits >>= count & 56;
        count &= 7;
    }
    w->bits = bits;
    w->count = count;
    w->out = out;
    cic_put(w, c->litlen_code[256], c->litlen_len[256]);
}

// ---- the stream ----

// The match finder of each cic_match_kind.
// Short matches (Up-filtered depth maps: 4-8 bytes against rounding noise, at every distance):
// one entry per bucket, as a second makes "which entry matches, and how far" a branch the CPU
// mispredicts (the 640x480 map of scripts/bench-codecs.sh: png16 3.9 % smaller, 1.17x the time);
// 16 Ki buckets (64 KiB), as fast as 8 Ki or 32 Ki and 0.4 % smaller than 8 Ki.
#define CIC_SHORT_WAYS 1
#define CIC_SHORT_BITS 14
// Long matches (colour-mapped previews: exact repeats of few colours): two entries per bucket,
// 32 Ki buckets (the 640x480 preview of scripts/bench-codecs.sh is 10 % larger with the short
// kind's finder, for 12 % less time).
#define CIC_LONG_WAYS 2
#define CIC_LONG_BITS 15

// The parse's state between blocks.
typedef struct {
    const uint8_t *data;
    size_t position, end;   // the next byte and the input's end
    size_t block_start, block_end, fast_end;
    size_t block_input;     // bytes per block: the input split into equal blocks of at most CIC_BLOCK_INPUT
    size_t count;           // tokens of the current block
    cic_table table;
    uint32_t *tokens;
    cic_block_codes *codes;
    cic_bits w;
    int failed;
} cic_stream;

// One greedy step at `position`, which has CIC_MAX_MATCH bytes left in its block: a match
// against the bucket's entries or a literal. Returns the next position.
static inline __attribute__((always_inline)) size_t cic_step(cic_table table, const uint8_t *data, size_t position, uint32_t *tokens, size_t *count,
                              cic_block_codes *codes) {
    unsigned distance = 0;
    size_t length = cic_find(table, data, position, CIC_MAX_MATCH, &distance);
    if (length == 0) {
        cic_emit_literal(codes, tokens + (*count)++, data[position]);
        return position + 1;
    }
    cic_emit_match(codes, tokens + (*count)++, length, distance);
    // Index the next three positions inside the match (every match is at least 4 long) so later
    // rows can find them; the rest of a long match is skipped.
    for (uint32_t k = 1; k <= 3; k++) cic_insert(table, data, (uint32_t)position + k);
    return position + length;
}

// The step of each match kind, its table's shape known to the compiler (and six arguments, all
// in registers).
static size_t cic_step_short(uint32_t *entries, const uint8_t *data, size_t position, uint32_t *tokens, size_t *count,
                             cic_block_codes *codes) {
    return cic_step((cic_table){entries, CIC_SHORT_WAYS, CIC_SHORT_BITS}, data, position, tokens, count, codes);
}

static size_t cic_step_long(uint32_t *entries, const uint8_t *data, size_t position, uint32_t *tokens, size_t *count,
                            cic_block_codes *codes) {
    return cic_step((cic_table){entries, CIC_LONG_WAYS, CIC_LONG_BITS}, data, position, tokens, count, codes);
}

typedef size_t (*cic_step_function)(uint32_t *, const uint8_t *, size_t, uint32_t *, size_t *, cic_block_codes *);

// Starts the next block; 0 when the input is done.
static int cic_block_begin(cic_stream *s) {
    if (s->position >= s->end) return 0;
    s->block_start = s->position;
    s->block_end = s->end - s->position > s->block_input ? s->position + s->block_input : s->end;
    // Matches may reach back before the block (the window is shared) but not past its end.
    // Up to fast_end every position has CIC_MAX_MATCH bytes left in the block: no limit checks.
    s->fast_end = s->block_end - s->position >= CIC_MAX_MATCH ? s->block_end - CIC_MAX_MATCH : s->position;
    s->count = 0;
    memset(s->codes->value_freq, 0, sizeof s->codes->value_freq);
    memset(s->codes->dist_freq, 0, sizeof s->codes->dist_freq);
    return 1;
}

// Parses the block's last bytes (matches end at the block's end), then codes and writes it.
static void cic_block_finish(cic_stream *s) {
    if (s->position < s->fast_end) s->block_end = s->position;   // out of tokens: the block ends here
    const uint8_t *data = s->data;
    cic_block_codes *codes = s->codes;
    size_t position = s->position, block_end = s->block_end, count = s->count;
    while (position < block_end) {
        if (position + CIC_HASH_READ <= block_end) {
            size_t limit = block_end - position < CIC_MAX_MATCH ? block_end - position : CIC_MAX_MATCH;
            unsigned distance = 0;
            size_t length = cic_find(s->table, data, position, limit, &distance);
            if (length > 0) {
                cic_emit_match(codes, s->tokens + count++, length, distance);
                for (uint32_t k = 1; k <= 3 && position + k + CIC_HASH_READ <= block_end; k++) {
                    cic_insert(s->table, data, (uint32_t)position + k);
                }
                position += length;
                continue;
            }
        }
        cic_emit_literal(codes, s->tokens + count++, data[position]);
        position++;
    }
    s->position = position;
    cic_fold_frequencies(codes);
    cic_huffman_lengths(codes->litlen_freq, CIC_LITLEN_SYMBOLS, 15, codes->litlen_len);
    cic_huffman_lengths(codes->dist_freq, CIC_DIST_SYMBOLS, 15, codes->dist_len);
    cic_canonical_codes(codes->litlen_len, CIC_LITLEN_SYMBOLS, codes->litlen_code);
    cic_canonical_codes(codes->dist_len, CIC_DIST_SYMBOLS, codes->dist_code);
    codes->hlit = CIC_LITLEN_SYMBOLS;
    while (codes->hlit > 257 && codes->litlen_len[codes->hlit - 1] == 0) codes->hlit--;
    codes->hdist = CIC_DIST_SYMBOLS;
    while (codes->hdist > 1 && codes->dist_len[codes->hdist - 1] == 0) codes->hdist--;
    cic_rle_header(codes);
    int final = block_end == s->end;
    size_t block_size = block_end - s->block_start;
    // A stored block costs its bytes plus 5 per 65535 and the alignment.
    uint64_t stored_bits = 8 * ((uint64_t)block_size + 5 * (block_size / 65535 + 1)) + 8;
    uint64_t dynamic_bits = cic_dynamic_bits(codes);
    if (dynamic_bits < stored_bits) {
        if ((uint64_t)(s->w.end - s->w.out) < dynamic_bits / 8 + 16) {
            s->failed = 1;   // cannot happen within the bound; fail rather than overrun
            s->position = s->end;
            return;
        }
        cic_write_dynamic(&s->w, codes, s->tokens, count, final);
    } else {
        cic_write_stored(&s->w, data + s->block_start, block_size, final);
    }
}

// Parses and writes the whole input with `step`. Inlined once per step function, which it then
// calls directly.
static inline __attribute__((always_inline)) void cic_parse_with(cic_stream *s, cic_step_function step) {
    while (cic_block_begin(s)) {
        size_t position = s->position, count = s->count, stop = s->fast_end;
        uint32_t *entries = s->table.entries, *tokens = s->tokens;
        cic_block_codes *codes = s->codes;
        while (position < stop && count < CIC_TOKEN_STOP) position = step(entries, s->data, position, tokens, &count, codes);
        s->position = position, s->count = count;
        cic_block_finish(s);
    }
}

// The bytes per block: blocks of at most CIC_BLOCK_INPUT bytes, as equal as whole bytes allow (a
// short last block would get poor codes of its own).
static size_t cic_block_input(size_t bytes) {
    size_t blocks = bytes / CIC_BLOCK_INPUT + (bytes % CIC_BLOCK_INPUT != 0);
    return blocks == 0 ? 1 : bytes / blocks + (bytes % blocks != 0);
}

size_t cic_zlib_bound(size_t size) {
    // Stored blocks at worst: 5 bytes per 65535 and per block plus an alignment byte per block
    // (a block ends by bytes or, at CIC_TOKEN_STOP tokens, after as many bytes at least), the
    // zlib header and Adler-32, slack for the last bits. The block writer's 8-byte stores need
    // 16 bytes of slack past the last real byte.
    size_t blocks = size / CIC_TOKEN_STOP + 1;
    return size + 5 * (size / 65535 + 1) + 6 * blocks + 2 + 4 + 32;
}

size_t cic_zlib_compress(const uint8_t *data, size_t size, cic_match_kind kind, uint8_t *out, size_t capacity) {
    pthread_once(&cic_tables_once, cic_build_tables);
    if (data == NULL || out == NULL || size > 0x7fffffffu || capacity < cic_zlib_bound(size) ||
        (kind != CIC_MATCHES_SHORT && kind != CIC_MATCHES_LONG)) {
        return 0;
    }
    cic_table table = kind == CIC_MATCHES_SHORT ? (cic_table){NULL, CIC_SHORT_WAYS, CIC_SHORT_BITS}
                                                : (cic_table){NULL, CIC_LONG_WAYS, CIC_LONG_BITS};
    size_t table_bytes = ((size_t)table.ways << table.bits) * sizeof(uint32_t);
    size_t block_input = cic_block_input(size);
    // A block has at most one token per byte, and at most CIC_BLOCK_TOKENS.
    size_t block_tokens = block_input < CIC_BLOCK_TOKENS ? block_input : CIC_BLOCK_TOKENS;
    table.entries = cic_scratch_take(CIC_SCRATCH_MATCHES, table_bytes);
    uint32_t *tokens = cic_scratch_take(CIC_SCRATCH_TOKENS, sizeof(uint32_t) * block_tokens);
    cic_block_codes *codes = malloc(sizeof(cic_block_codes));
    if (table.entries == NULL || tokens == NULL || codes == NULL) {
        cic_scratch_release(CIC_SCRATCH_MATCHES, table.entries);
        cic_scratch_release(CIC_SCRATCH_TOKENS, tokens);
        free(codes);
        return 0;
    }
    // An empty entry is position 0: a real earlier position (its bytes are compared like any
    // other's) until it is more than the window behind, so no entry needs an "empty" test.
    memset(table.entries, 0, table_bytes);
    cic_stream s = {data, 0, size, 0, 0, 0, block_input, 0, table, tokens, codes, {out, out + capacity, 0, 0}, 0};
    cic_put(&s.w, 0x78, 8);   // CM 8, 32 KiB window
    cic_put(&s.w, 0x01, 8);   // FLEVEL 0 (fastest), FCHECK: 0x7801 % 31 == 0
    if (kind == CIC_MATCHES_SHORT) cic_parse_with(&s, cic_step_short);
    else cic_parse_with(&s, cic_step_long);
    if (size == 0) cic_write_stored(&s.w, data, 0, 1);   // no block was begun: one empty, final
    cic_align(&s.w);
    uint32_t adler = cic_adler32(1, data, size);
    for (int shift = 24; shift >= 0; shift -= 8) {
        if (s.w.out < s.w.end) *s.w.out = (uint8_t)(adler >> shift);
        s.w.out++;
    }
    cic_scratch_release(CIC_SCRATCH_MATCHES, table.entries);
    cic_scratch_release(CIC_SCRATCH_TOKENS, tokens);
    free(codes);
    // More than the buffer holds would be a bug in the bound; report failure rather than overrun.
    return !s.failed && s.w.out <= s.w.end ? (size_t)(s.w.out - out) : 0;
}
