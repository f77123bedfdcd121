#ifndef CORKBOARD_CURL_SHIM_H
#define CORKBOARD_CURL_SHIM_H
/// Fixed-argument wrappers around libcurl's variadic calls (curl_easy_setopt), for the mailer.
int cb_curl_shim_version(void);
#endif
