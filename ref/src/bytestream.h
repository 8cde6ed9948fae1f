/* The bytestream interface (bsend(3), brecv(3), bsendl(3), brecvl(3)) that
 * connection objects implement. */
#ifndef DILL_BYTESTREAM_H
#define DILL_BYTESTREAM_H

#include <stdint.h>

#include "libdill.h"

extern const int dill_bsock_type;

/* Called with a list already checked by dill_iolist_check(). */
struct dill_bsock_vfs {
    int (*bsendl)(struct dill_bsock_vfs *vfs, struct dill_iolist *first,
        struct dill_iolist *last, int64_t deadline);
    int (*brecvl)(struct dill_bsock_vfs *vfs, struct dill_iolist *first,
        struct dill_iolist *last, int64_t deadline);
};

#endif
