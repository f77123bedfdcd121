#ifndef CORKBOARD_VIPS_SHIM_H
#define CORKBOARD_VIPS_SHIM_H
/// Fixed-argument wrappers around libvips's variadic calls, for photo processing.
/// Swift cannot call C variadic functions; every wrapper here passes a fixed option list.
/// Images are opaque to Swift (`void *`, a VipsImage); release each with cb_vips_unref.

#include <stddef.h>

/// The only formats Corkboard decodes. Each maps to its own loader: never the generic one,
/// which would also open SVG, PDF, TIFF and more.
enum cb_vips_format { CB_VIPS_JPEG = 1, CB_VIPS_PNG = 2, CB_VIPS_WEBP = 3 };

int cb_vips_shim_version(void);

/// VIPS_INIT once per process, with a one-thread pool and no operation cache (workers are
/// single-threaded processes, one per core). Returns 0 on success.
int cb_vips_start(const char *argv0);

/// Loads `buf` with the loader for `format` only, sequential access, failing on decode errors
/// (truncated data included). Reads the header only: pixels are decoded later, on demand.
/// `shrink` (1, 2, 4, 8) is JPEG shrink-on-load; ignored for other formats. Returns 0 or -1.
int cb_vips_load(const void *buf, size_t len, int format, int shrink, void **out);

int cb_vips_width(void *image);
int cb_vips_height(void *image);

/// Shrinks (never enlarges) to fit `width` × `height`; auto-rotates by the orientation tag.
int cb_vips_thumbnail(void *in, int width, int height, void **out);
/// Rotates upright by the EXIF orientation tag and removes the tag.
int cb_vips_autorot(void *in, void **out);
/// Flattens an alpha channel onto white (JPEG has none); a plain reference when there is none.
int cb_vips_flatten(void *in, void **out);
/// Decodes every pixel into memory: this is where a corrupt body fails.
int cb_vips_copy_memory(void *in, void **out);
/// JPEG with `quality`, all metadata stripped (EXIF, GPS, XMP, ICC), sRGB.
/// `*buf` is released with cb_vips_free.
int cb_vips_jpegsave(void *in, int quality, void **buf, size_t *len);

/// A made-up picture for the demo's sample ads (never a download): a diagonal gradient from
/// `from` to `to` (sRGB, 0–255), a soft lighter disc whose place moves with `view`, and a row of
/// `views` dots with the `view`-th (from 0) white. A `width` × `height` 3-band uchar sRGB image.
int cb_vips_sample(int width, int height, const double from[3], const double to[3], int view, int views, void **out);

void cb_vips_unref(void *image);
void cb_vips_free(void *buf);
/// The last error text of this thread (for the log only), then cleared.
const char *cb_vips_error(void);
void cb_vips_error_clear(void);
#endif
