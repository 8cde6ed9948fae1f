/* I/O lists: the EINVAL rules of bsendl(3)/brecvl(3), and a cursor that
 * walks a list without modifying it. */
#include <errno.h>
#include <stdint.h>

#include "iolist.h"

static int dill_einval(void) {
    errno = EINVAL;
    return -1;
}

/* The list is malformed "If last->iol_next is not NULL. If first and last
 * don't belong to the same list. If there's a loop in the list. If iol_rsvd
 * of any item is non-zero."  A loop is found with two pointers, one twice as
 * fast (Floyd): no marking, so the list is never touched. */
int dill_iolist_check(struct dill_iolist *first, struct dill_iolist *last,
      bool sending) {
    /* ref/README reading 19: a NULL first or last is malformed too */
    /* spine: brecvl/EINVAL/null-first */
    /* spine: bsendl/EINVAL/null-first */
    /* spine: brecvl/EINVAL/null-last */
    /* spine: bsendl/EINVAL/null-last */
    /* spine: brecvl/EINVAL/last-has-next */
    /* spine: bsendl/EINVAL/last-has-next */
    if(!first || !last || last->iol_next)
        return dill_einval();
    struct dill_iolist *slow = first, *fast = first;
    size_t total = 0;
    for(struct dill_iolist *it = first; it; it = it->iol_next) {
        /* spine: brecvl/EINVAL/rsvd-nonzero */
        /* spine: bsendl/EINVAL/rsvd-nonzero */
        /* spine: brecvl/EINVAL/rsvd-first */
        /* spine: bsendl/EINVAL/rsvd-first */
        /* spine: brecvl/EINVAL/rsvd-last */
        /* spine: bsendl/EINVAL/rsvd-last */
        if(it->iol_rsvd != 0)
            return dill_einval();
        /* spine: bsend/EINVAL/null-buffer */
        /* spine: bsendl/EINVAL/null-base */
        if(sending && !it->iol_base && it->iol_len)
            return dill_einval();   /* nothing to send from (reading 23) */
        if(it->iol_len > SIZE_MAX - total)
            return dill_einval();   /* the message would not fit in size_t */
        total += it->iol_len;
        if(it == last)
            return 0;
        fast = fast && fast->iol_next ? fast->iol_next->iol_next : NULL;
        slow = slow->iol_next;
        /* spine: brecvl/EINVAL/loop */
        /* spine: bsendl/EINVAL/loop */
        /* spine: brecvl/EINVAL/loop-self */
        /* spine: bsendl/EINVAL/loop-self */
        if(fast && fast == slow)
            return dill_einval();   /* a loop that never reaches `last` */
    }
    /* spine: brecvl/EINVAL/not-same-list */
    /* spine: bsendl/EINVAL/not-same-list */
    return dill_einval();           /* `last` is not in first's list */
}

static struct dill_iolist *dill_skip_empty(struct dill_iolist *it) {
    while(it && it->iol_len == 0)
        it = it->iol_next;
    return it;
}

struct dill_iocursor dill_iocursor_start(struct dill_iolist *first) {
    struct dill_iocursor c = {dill_skip_empty(first), 0};
    return c;
}

/* At most `max` iovecs per call: a list longer than a system call takes
 * (IOV_MAX) goes out in several.  A NULL base is skipped through `scratch`,
 * never more than `scratch_len` bytes at a time, however long the item. */
/* spine: brecv/null-buffer-1MiB */
/* spine: brecv/null-buffer-64KiB */
/* spine: brecvl/large-list-first-last-byte */
/* spine: brecvl/list-restored */
/* spine: brecvl/null-buffer-1MiB */
/* spine: brecvl/null-buffer-64KiB */
/* spine: bsendl/large-list-first-last-byte */
/* spine: bsendl/list-restored */
int dill_iocursor_fill(const struct dill_iocursor *c, struct iovec *iov,
      int max, void *scratch, size_t scratch_len) {
    int n = 0;
    size_t off = c->off;
    for(struct dill_iolist *it = c->item; it && n < max; it = it->iol_next) {
        size_t len = it->iol_len - off;
        if(len == 0)
            continue;
        if(it->iol_base) {
            iov[n].iov_base = (char *)it->iol_base + off;
        } else {
            /* Skipped bytes land in scratch; one iovec at most, since the
             * cursor moves on after each call anyway. */
            iov[n].iov_base = scratch;
            if(len > scratch_len)
                len = scratch_len;
            iov[n].iov_len = len;
            return n + 1;
        }
        iov[n].iov_len = len;
        n++;
        off = 0;
    }
    return n;
}

void dill_iocursor_advance(struct dill_iocursor *c, size_t n) {
    while(c->item && n > 0) {
        size_t left = c->item->iol_len - c->off;
        if(n < left) {
            c->off += n;
            return;
        }
        n -= left;
        c->item = dill_skip_empty(c->item->iol_next);
        c->off = 0;
    }
}
