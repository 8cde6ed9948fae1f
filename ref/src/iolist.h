/* I/O lists (bsendl(3), brecvl(3)): validation and walking. */
#ifndef DILL_IOLIST_H
#define DILL_IOLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

#include "libdill.h"

/* 0 when [first, last] is a well-formed list, else -1 with errno EINVAL.
 * `sending` also rejects a NULL base with a non-zero length, which only a
 * receiver can give a meaning ("iol_base equal to NULL means that iol_len
 * bytes should be skipped"). */
int dill_iolist_check(struct dill_iolist *first, struct dill_iolist *last,
    bool sending);

/* A position in a list: the bytes not yet transferred start at `off` within
 * `item`.  The list itself is never written: "once the function returns the
 * list is guaranteed to be the same as before the call". */
struct dill_iocursor {
    struct dill_iolist *item;
    size_t off;
};

/* Fills at most `max` iovecs from the cursor; returns how many.  NULL bases
 * (receive-side skips) point into `scratch` of `scratch_len` bytes. */
int dill_iocursor_fill(const struct dill_iocursor *c, struct iovec *iov,
    int max, void *scratch, size_t scratch_len);

/* Moves the cursor `n` bytes on. */
void dill_iocursor_advance(struct dill_iocursor *c, size_t n);

static inline bool dill_iocursor_done(const struct dill_iocursor *c) {
    return c->item == NULL;
}

/* A cursor at the first byte of a list, skipping empty items. */
struct dill_iocursor dill_iocursor_start(struct dill_iolist *first);

#endif
