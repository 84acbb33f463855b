#ifndef CIC_SCRATCH_H
#define CIC_SCRATCH_H
// Per-thread scratch buffers for the encoders (scratch.c); not part of the module's public header.
#include <stddef.h>

/// The encoders' large working buffers, one of each per thread.
typedef enum {
    CIC_SCRATCH_FILTERED,   ///< the PNG writer's filtered rows
    CIC_SCRATCH_TOKENS,     ///< deflate's tokens of one block
    CIC_SCRATCH_MATCHES,    ///< deflate's match table (zeroed by deflate each call)
    CIC_SCRATCH_OUTPUT,     ///< the PNG writer's output, handed to the caller until cic_free
    CIC_SCRATCH_SLOTS
} cic_scratch_slot;

/// The most bytes a thread keeps in one slot between calls; a larger request gets a buffer of its
/// own, freed by cic_scratch_release.
#define CIC_SCRATCH_KEEP ((size_t)4 << 20)

/// At least `bytes` bytes (not zeroed) for this thread's `slot`, to hand back with
/// cic_scratch_release before the slot is asked for again; NULL when out of memory.
void *cic_scratch_take(cic_scratch_slot slot, size_t bytes);

/// Ends the use of a buffer from cic_scratch_take (NULL is ignored): a kept one stays with the
/// thread, freed when the thread exits; a larger one is freed now.
void cic_scratch_release(cic_scratch_slot slot, void *buffer);
#endif
