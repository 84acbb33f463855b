#include <stdlib.h>
#include "CImageCodecs.h"

void cic_free(void *pointer) { free(pointer); }
