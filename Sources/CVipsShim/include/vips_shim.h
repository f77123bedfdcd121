#ifndef CORKBOARD_VIPS_SHIM_H
#define CORKBOARD_VIPS_SHIM_H
/// Fixed-argument wrappers around libvips's variadic calls, for photo processing.
int cb_vips_shim_version(void);
#endif
