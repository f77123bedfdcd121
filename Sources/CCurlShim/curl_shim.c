#include "curl_shim.h"
#include <curl/curl.h>
int cb_curl_shim_version(void) { return LIBCURL_VERSION_NUM; }
