/* DS_ASAN: this program is built with AddressSanitizer (a build of ref:
 * libdill does not support ASan).  Included by support.h, and by inject.c,
 * which sits below the fixture. */
#ifndef DS_SANITIZER_H
#define DS_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)
#define DS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DS_ASAN 1
#endif
#endif

#endif
