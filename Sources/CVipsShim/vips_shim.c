#include <vips/vips.h>
#include "vips_shim.h"

int cb_vips_shim_version(void) { return VIPS_MAJOR_VERSION; }

int cb_vips_start(const char *argv0) {
    if (VIPS_INIT(argv0 ? argv0 : "corkboard") != 0) return -1;
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    return 0;
}

int cb_vips_load(const void *buf, size_t len, int format, int shrink, void **out) {
    VipsImage *image = NULL;
    int rc;
    switch (format) {
    case CB_VIPS_JPEG:
        rc = vips_jpegload_buffer((void *)buf, len, &image, "access", VIPS_ACCESS_SEQUENTIAL,
                                  "fail_on", VIPS_FAIL_ON_ERROR, "shrink", shrink < 1 ? 1 : shrink, NULL);
        break;
    case CB_VIPS_PNG:
        rc = vips_pngload_buffer((void *)buf, len, &image, "access", VIPS_ACCESS_SEQUENTIAL,
                                 "fail_on", VIPS_FAIL_ON_ERROR, NULL);
        break;
    case CB_VIPS_WEBP:
        rc = vips_webpload_buffer((void *)buf, len, &image, "access", VIPS_ACCESS_SEQUENTIAL,
                                  "fail_on", VIPS_FAIL_ON_ERROR, NULL);
        break;
    default:
        vips_error("corkboard", "unsupported format %d", format);
        return -1;
    }
    if (rc != 0) return -1;
    *out = image;
    return 0;
}

int cb_vips_width(void *image) { return vips_image_get_width((VipsImage *)image); }
int cb_vips_height(void *image) { return vips_image_get_height((VipsImage *)image); }

int cb_vips_thumbnail(void *in, int width, int height, void **out) {
    VipsImage *image = NULL;
    if (vips_thumbnail_image((VipsImage *)in, &image, width, "height", height,
                             "size", VIPS_SIZE_DOWN, NULL) != 0) return -1;
    *out = image;
    return 0;
}

int cb_vips_autorot(void *in, void **out) {
    VipsImage *image = NULL;
    if (vips_autorot((VipsImage *)in, &image, NULL) != 0) return -1;
    *out = image;
    return 0;
}

int cb_vips_flatten(void *in, void **out) {
    VipsImage *src = (VipsImage *)in;
    if (!vips_image_hasalpha(src)) {
        g_object_ref(src);
        *out = src;
        return 0;
    }
    VipsImage *image = NULL;
    VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
    int rc = vips_flatten(src, &image, "background", white, NULL);
    vips_area_unref(VIPS_AREA(white));
    if (rc != 0) return -1;
    *out = image;
    return 0;
}

int cb_vips_copy_memory(void *in, void **out) {
    VipsImage *image = vips_image_copy_memory((VipsImage *)in);
    if (!image) return -1;
    *out = image;
    return 0;
}

int cb_vips_jpegsave(void *in, int quality, void **buf, size_t *len) {
    return vips_jpegsave_buffer((VipsImage *)in, buf, len, "Q", quality, "strip", TRUE,
                                "optimize_coding", TRUE, NULL);
}

void cb_vips_unref(void *image) { if (image) g_object_unref(image); }
void cb_vips_free(void *buf) { g_free(buf); }
const char *cb_vips_error(void) { return vips_error_buffer(); }
void cb_vips_error_clear(void) { vips_error_clear(); }
