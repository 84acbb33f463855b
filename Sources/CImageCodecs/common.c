#include <stdlib.h>
#include "CImageCodecs.h"
#include "cic_scratch.h"

// Frees what is not this thread's PNG output slot (cic_scratch_release tells them apart).
void cic_free(void *pointer) { cic_scratch_release(CIC_SCRATCH_OUTPUT, pointer); }
