/* Errno names from glibc (see dc_errors.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dc_errors.h"

const char *dc_errname(int err) {
    /* One number, two names: the pages say ENOTSUP, glibc EOPNOTSUPP. */
    if(err == ENOTSUP)
        return "ENOTSUP";
    const char *name = strerrorname_np(err);
    if(name)
        return name;
    static char unnamed[16];
    snprintf(unnamed, sizeof(unnamed), "E%d", err);
    return unnamed;
}
