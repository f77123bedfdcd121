#include "vips_shim.h"
#include <vips/vips.h>
int cb_vips_shim_version(void) { return VIPS_MAJOR_VERSION; }
