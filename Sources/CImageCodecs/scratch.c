// Per-thread scratch for the encoders. An answer's buffers are hundreds of KiB, so with the
// server's malloc setting (every block of 128 KiB or more its own mapping, AllocatorTuning) each
// fresh one is faulted in page by page: ~180 page faults per 640x480 png16 answer for the
// filtered rows and tokens alone (and 64 for a colour preview's 256 KiB match table). A thread
// keeps one buffer per slot, up to CIC_SCRATCH_KEEP bytes, and frees them when it exits; the
// server encodes on a fixed pool of threads, so what stays resident is bounded by that pool's
// size times the slots' sizes.
#include <pthread.h>
#include <stdlib.h>
#include "cic_scratch.h"

typedef struct {
    void *buffer[CIC_SCRATCH_SLOTS];
    size_t size[CIC_SCRATCH_SLOTS];
} cic_thread_scratch;

static pthread_key_t cic_scratch_key;
static pthread_once_t cic_scratch_once = PTHREAD_ONCE_INIT;
static int cic_scratch_key_made;

static void cic_scratch_free(void *pointer) {
    cic_thread_scratch *scratch = pointer;
    for (int slot = 0; slot < CIC_SCRATCH_SLOTS; slot++) free(scratch->buffer[slot]);
    free(scratch);
}

static void cic_scratch_make_key(void) {
    cic_scratch_key_made = pthread_key_create(&cic_scratch_key, cic_scratch_free) == 0;
}

// This thread's scratch, made on first use; NULL without memory or a key (then nothing is kept).
static cic_thread_scratch *cic_thread(void) {
    pthread_once(&cic_scratch_once, cic_scratch_make_key);
    if (!cic_scratch_key_made) return NULL;
    cic_thread_scratch *scratch = pthread_getspecific(cic_scratch_key);
    if (scratch == NULL) {
        scratch = calloc(1, sizeof *scratch);
        if (scratch == NULL || pthread_setspecific(cic_scratch_key, scratch) != 0) {
            free(scratch);
            return NULL;
        }
    }
    return scratch;
}

void *cic_scratch_take(cic_scratch_slot slot, size_t bytes) {
    if (slot < 0 || slot >= CIC_SCRATCH_SLOTS) return NULL;
    cic_thread_scratch *scratch = bytes <= CIC_SCRATCH_KEEP ? cic_thread() : NULL;
    if (scratch == NULL) return malloc(bytes > 0 ? bytes : 1);
    if (scratch->size[slot] < bytes) {
        // Grow to the request (no copy: the contents are not kept between calls).
        free(scratch->buffer[slot]);
        scratch->buffer[slot] = malloc(bytes > 0 ? bytes : 1);
        scratch->size[slot] = scratch->buffer[slot] != NULL ? bytes : 0;
    }
    return scratch->buffer[slot];
}

void cic_scratch_release(cic_scratch_slot slot, void *buffer) {
    if (buffer == NULL || slot < 0 || slot >= CIC_SCRATCH_SLOTS) return;
    if (cic_scratch_key_made) {
        cic_thread_scratch *scratch = pthread_getspecific(cic_scratch_key);
        if (scratch != NULL && scratch->buffer[slot] == buffer) return;   // kept for the next call
    }
    free(buffer);
}
