// libjpeg-turbo behind setjmp: probe, decode (with DCT-domain scaling) and encode.
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>
#include "codec_common.h"

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char *message;
    int status;
} cic_jpeg_error;

typedef struct {
    struct jpeg_progress_mgr pub;
    int max_scans;
} cic_jpeg_progress;

static void cic_jpeg_fail(j_common_ptr cinfo, int status, const char *prefix) {
    cic_jpeg_error *error = (cic_jpeg_error *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    if (prefix != NULL) {
        char combined[CIC_MESSAGE_CAPACITY];
        snprintf(combined, sizeof combined, "%s%s", prefix, text);
        cic_set_message(error->message, combined);
    } else {
        cic_set_message(error->message, text);
    }
    error->status = status;
    longjmp(error->jump, 1);
}

static int cic_jpeg_status_for(int code) {
    switch (code) {
    case JWRN_JPEG_EOF: case JERR_INPUT_EOF: case JERR_INPUT_EMPTY: return CIC_TRUNCATED;
    case JERR_OUT_OF_MEMORY: return CIC_OUT_OF_MEMORY;
    case JERR_CONVERSION_NOTIMPL: case JERR_NOT_COMPILED: case JERR_ARITH_NOTIMPL:
    case JERR_BAD_PRECISION: return CIC_UNSUPPORTED;
    default: return CIC_CORRUPT;
    }
}

static void cic_jpeg_error_exit(j_common_ptr cinfo) {
    cic_jpeg_fail(cinfo, cic_jpeg_status_for(cinfo->err->msg_code), NULL);
}

// libjpeg reports truncated and corrupt entropy data only as warnings (level -1) and then fills
// the rest of the image with grey; a warning is therefore an error here.
static void cic_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) cic_jpeg_fail(cinfo, cic_jpeg_status_for(cinfo->err->msg_code), NULL);
}

static void cic_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void cic_jpeg_install_errors(cic_jpeg_error *error, char *message) {
    jpeg_std_error(&error->pub);
    error->pub.error_exit = cic_jpeg_error_exit;
    error->pub.emit_message = cic_jpeg_emit_message;
    error->pub.output_message = cic_jpeg_output_message;
    error->message = message;
    error->status = CIC_OK;
}

static void cic_jpeg_count_scans(j_common_ptr cinfo) {
    cic_jpeg_progress *progress = (cic_jpeg_progress *)cinfo->progress;
    if (!cinfo->is_decompressor) return;
    int scan = ((j_decompress_ptr)cinfo)->input_scan_number;
    if (scan > progress->max_scans) {
        cic_jpeg_error *error = (cic_jpeg_error *)cinfo->err;
        char text[CIC_MESSAGE_CAPACITY];
        snprintf(text, sizeof text, "more than %d scans in a progressive JPEG", progress->max_scans);
        cic_set_message(error->message, text);
        error->status = CIC_TOO_MANY_SCANS;
        longjmp(error->jump, 1);
    }
}

static int cic_jpeg_color_of(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return CIC_JPEG_GRAY;
    case JCS_RGB: return CIC_JPEG_RGB;
    case JCS_YCbCr: return CIC_JPEG_YCBCR;
    case JCS_CMYK: return CIC_JPEG_CMYK;
    case JCS_YCCK: return CIC_JPEG_YCCK;
    default: return CIC_JPEG_OTHER;
    }
}

static int cic_jpeg_read_header(j_decompress_ptr cinfo, char *message) {
    if (jpeg_read_header(cinfo, TRUE) != JPEG_HEADER_OK) {
        cic_set_message(message, "JPEG datastream contains no image");
        return CIC_CORRUPT;
    }
    return CIC_OK;
}

int cic_jpeg_probe(const uint8_t *data, size_t size, cic_jpeg_header *header, char *message) {
    struct jpeg_decompress_struct cinfo;
    cic_jpeg_error error;
    if (data == NULL || size == 0 || header == NULL) {
        cic_set_message(message, "empty input");
        return CIC_BAD_ARGUMENT;
    }
    cic_jpeg_install_errors(&error, message);
    cinfo.err = &error.pub;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return error.status;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    int status = cic_jpeg_read_header(&cinfo, message);
    if (status == CIC_OK) {
        header->width = cinfo.image_width;
        header->height = cinfo.image_height;
        header->components = cinfo.num_components;
        header->color = cic_jpeg_color_of(cinfo.jpeg_color_space);
        header->progressive = cinfo.progressive_mode ? 1 : 0;
        header->adobe_marker = cinfo.saw_Adobe_marker ? 1 : 0;
    }
    jpeg_destroy_decompress(&cinfo);
    return status;
}

// Naive CMYK -> RGB without an ICC profile. Adobe writers store CMYK inverted (0 = full ink).
static void cic_cmyk_row_to_rgb(const JSAMPLE *cmyk, uint8_t *rgb, JDIMENSION width, int inverted) {
    for (JDIMENSION x = 0; x < width; x++) {
        unsigned c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
        if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
        rgb[3 * x] = (uint8_t)((c * k + 127) / 255);
        rgb[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
        rgb[3 * x + 2] = (uint8_t)((y * k + 127) / 255);
    }
}

int cic_jpeg_decode(const uint8_t *data, size_t size, int scale_num, int max_scans,
                    uint8_t *rgb, size_t capacity, uint32_t expected_width,
                    uint32_t expected_height, char *message) {
    struct jpeg_decompress_struct cinfo;
    cic_jpeg_error error;
    cic_jpeg_progress progress;
    if (data == NULL || size == 0 || rgb == NULL || scale_num < 1 || scale_num > 8 || max_scans < 1 ||
        !cic_rgb_fits(capacity, expected_width, expected_height)) {
        cic_set_message(message, "bad arguments to JPEG decode");
        return CIC_BAD_ARGUMENT;
    }
    cic_jpeg_install_errors(&error, message);
    cinfo.err = &error.pub;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return error.status;
    }
    jpeg_create_decompress(&cinfo);
    progress.pub.progress_monitor = cic_jpeg_count_scans;
    progress.max_scans = max_scans;
    cinfo.progress = &progress.pub;
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    int status = cic_jpeg_read_header(&cinfo, message);
    if (status != CIC_OK) {
        jpeg_destroy_decompress(&cinfo);
        return status;
    }
    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    if (!cmyk && cinfo.num_components != 1 && cinfo.num_components != 3) {
        cic_set_message(message, "JPEG with an unsupported number of colour components");
        jpeg_destroy_decompress(&cinfo);
        return CIC_UNSUPPORTED;
    }
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    cinfo.scale_num = (unsigned)scale_num;
    cinfo.scale_denom = 8;
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_calc_output_dimensions(&cinfo);
    if (cinfo.output_width != expected_width || cinfo.output_height != expected_height ||
        cinfo.output_components != (cmyk ? 4 : 3)) {
        cic_set_message(message, "JPEG output size differs from the probed size");
        jpeg_destroy_decompress(&cinfo);
        return CIC_BAD_ARGUMENT;
    }
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * 3;
    JSAMPARRAY cmyk_row = NULL;
    if (cmyk) {
        cmyk_row = (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE,
                                             cinfo.output_width * 4, 1);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        uint8_t *row = rgb + (size_t)cinfo.output_scanline * stride;
        if (cmyk) {
            if (jpeg_read_scanlines(&cinfo, cmyk_row, 1) != 1) break;
            cic_cmyk_row_to_rgb(cmyk_row[0], row, cinfo.output_width, cinfo.saw_Adobe_marker);
        } else {
            JSAMPROW rows[1] = {row};
            if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) break;
        }
    }
    if (cinfo.output_scanline < cinfo.output_height) {
        cic_set_message(message, "JPEG decoder stopped before the last row");
        jpeg_destroy_decompress(&cinfo);
        return CIC_TRUNCATED;
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return CIC_OK;
}

typedef struct {
    cic_jpeg_error error;
    unsigned char *buffer;
    unsigned long size;
} cic_jpeg_encode_state;

int cic_jpeg_encode_rgb8(const uint8_t *rgb, uint32_t width, uint32_t height, int quality,
                         int progressive, uint8_t **out, size_t *out_size, char *message) {
    struct jpeg_compress_struct cinfo;
    cic_jpeg_encode_state state;
    if (rgb == NULL || out == NULL || out_size == NULL || width == 0 || height == 0 ||
        width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION || quality < 1 || quality > 100) {
        cic_set_message(message, "bad arguments to JPEG encode");
        return CIC_BAD_ARGUMENT;
    }
    cic_jpeg_install_errors(&state.error, message);
    state.buffer = NULL;
    state.size = 0;
    cinfo.err = &state.error.pub;
    if (setjmp(state.error.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(state.buffer);
        return state.error.status;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &state.buffer, &state.size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * 3;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW rows[1] = {(JSAMPROW)(rgb + (size_t)cinfo.next_scanline * stride)};
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = state.buffer;
    *out_size = (size_t)state.size;
    return CIC_OK;
}
