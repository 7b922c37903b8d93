// Typed wrappers over libcurl's C-variadic calls, which Swift cannot call directly.
// Each wrapper passes exactly the argument type libcurl expects for that kind of option.
#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

#include <curl/curl.h>

/// The signature of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION callbacks.
typedef size_t (*ccurl_write_callback)(char *data, size_t size, size_t count, void *userdata);

/// curl_global_init(CURL_GLOBAL_DEFAULT): the flag macro does not import into Swift.
static inline CURLcode ccurl_global_init_default(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

/// An option that takes a C string (libcurl copies it, except CURLOPT_POSTFIELDS).
static inline CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a long (flags, sizes, timeouts in milliseconds).
static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a data pointer (CURLOPT_WRITEDATA, CURLOPT_ERRORBUFFER, CURLOPT_COPYPOSTFIELDS).
static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// CURLOPT_WRITEFUNCTION or CURLOPT_HEADERFUNCTION.
static inline CURLcode ccurl_easy_setopt_write_callback(CURL *handle, CURLoption option,
                                                        ccurl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/// An option that takes a header list (CURLOPT_HTTPHEADER).
static inline CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list) {
    return curl_easy_setopt(handle, option, list);
}

/// Information returned as a long (CURLINFO_RESPONSE_CODE).
static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// Information returned as a double (CURLINFO_TOTAL_TIME).
static inline CURLcode ccurl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
