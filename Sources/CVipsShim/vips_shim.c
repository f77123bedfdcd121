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

int cb_vips_sample(int width, int height, const double from[3], const double to[3], int view, int views, void **out) {
    // Every intermediate image belongs to `scope` and goes with it.
    VipsObject *scope = VIPS_OBJECT(vips_image_new());
    VipsImage **t = (VipsImage **)vips_object_local_array(scope, 12);
    double span = (double)(width + height);
    double ink[3] = { 255, 255, 255 };
    double disc[3], dim[3];
    for (int i = 0; i < 3; i++) {
        disc[i] = from[i] + (255 - from[i]) * 0.35;
        dim[i] = from[i] + (255 - from[i]) * 0.5;
    }
    int rc =
        // t = (x + y) / (width + height), 0 at the top left to 1 at the bottom right.
        vips_xyz(&t[0], width, height, NULL) ||
        vips_extract_band(t[0], &t[1], 0, NULL) ||
        vips_extract_band(t[0], &t[2], 1, NULL) ||
        vips_add(t[1], t[2], &t[3], NULL) ||
        vips_linear1(t[3], &t[4], 1.0 / span, 0, NULL) ||
        // Each band: from + t × (to − from).
        vips_linear1(t[4], &t[5], to[0] - from[0], from[0], NULL) ||
        vips_linear1(t[4], &t[6], to[1] - from[1], from[1], NULL) ||
        vips_linear1(t[4], &t[7], to[2] - from[2], from[2], NULL) ||
        vips_bandjoin(&t[5], &t[8], 3, NULL) ||
        vips_cast_uchar(t[8], &t[9], NULL) ||
        vips_copy(t[9], &t[10], "interpretation", VIPS_INTERPRETATION_sRGB, NULL);
    if (rc) { g_object_unref(scope); return -1; }
    VipsImage *canvas = vips_image_copy_memory(t[10]);
    g_object_unref(scope);
    if (!canvas) return -1;
    // No text: libvips 8.14's vips_text (Pango 1.50) crashes a process that calls it a few
    // times (SIGFPE or SIGSEGV in Pango's font thread). The views differ by where the disc
    // stands, and a row of dots says which view of how many this is (the current one white).
    if (views < 1) views = 1;
    double along = views > 1 ? (double)view / (views - 1) : 0.5;
    vips_draw_circle(canvas, disc, 3, (int)(width * (0.2 + 0.6 * along)), height * 2 / 5, height / 4, "fill", TRUE, NULL);
    int gap = width / 24, r = width / 80;
    int x0 = width / 2 - (views - 1) * gap / 2;
    for (int i = 0; i < views; i++)
        vips_draw_circle(canvas, i == view ? ink : dim, 3, x0 + i * gap, height * 7 / 8, r, "fill", TRUE, NULL);
    *out = canvas;
    return 0;
}

void cb_vips_unref(void *image) { if (image) g_object_unref(image); }
void cb_vips_free(void *buf) { g_free(buf); }
const char *cb_vips_error(void) { return vips_error_buffer(); }
void cb_vips_error_clear(void) { vips_error_clear(); }
