/* Stands in for contract/dc_errname.c in a reproducer: errno names from a
 * table, where the suite asks glibc's strerrorname_np(3).  Not compiled on
 * its own. */
#include <errno.h>
#include <stdio.h>

#include "dc_errors.h"

/* The errno's name as the pages spell it (ENOTSUP, not EOPNOTSUPP; EAGAIN,
 * not EWOULDBLOCK); "E<number>" for one not in the table. */
const char *dc_errname(int err) {
#define NAME(e) {e, #e}
    static const struct {
        int err;
        const char *name;
    } names[] = {{0, "0"}, NAME(EACCES), NAME(EADDRINUSE), NAME(EAGAIN),
        NAME(EBADF), NAME(EBUSY), NAME(ECANCELED), NAME(ECONNREFUSED),
        NAME(ECONNRESET), NAME(EEXIST), NAME(EFAULT), NAME(EINTR), NAME(EINVAL),
        NAME(EISCONN), NAME(ELOOP), NAME(EMFILE), NAME(EMSGSIZE),
        NAME(ENAMETOOLONG), NAME(ENFILE), NAME(ENOENT), NAME(ENOMEM),
        NAME(ENOSPC), NAME(ENOTCONN), NAME(ENOTDIR), NAME(ENOTSOCK),
        NAME(ENOTSUP), NAME(EPERM), NAME(EPIPE), NAME(EPROTO), NAME(ESRCH),
        NAME(ETIMEDOUT)};
#undef NAME
    for(size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if(names[i].err == err)
            return names[i].name;
    static char unnamed[16];
    snprintf(unnamed, sizeof(unnamed), "E%d", err);
    return unnamed;
}
