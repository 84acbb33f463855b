#ifndef CIC_CODEC_COMMON_H
#define CIC_CODEC_COMMON_H
// Shared by the JPEG and PNG halves of the C layer; not part of the module's public header.
#include <stdio.h>
#include "CImageCodecs.h"

static inline void cic_set_message(char *message, const char *text) {
    if (message != NULL) snprintf(message, CIC_MESSAGE_CAPACITY, "%s", text);
}

static inline int cic_rgb_fits(size_t capacity, uint32_t width, uint32_t height) {
    return width > 0 && height > 0 && (size_t)width * (size_t)height <= SIZE_MAX / 4 &&
           (size_t)width * (size_t)height * 3 <= capacity;
}
#endif
