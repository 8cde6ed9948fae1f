/* bsend(3), brecv(3), bsendl(3), brecvl(3): argument checks shared by every
 * bytestream, then the object's own transfer. */
#include <errno.h>

#include "bytestream.h"
#include "handle.h"
#include "iolist.h"
#include "runtime.h"

/* A type is an address only this interface has (libdillimpl.h). */
static const int dill_bsock_tag;
const void *dill_bsock_type = &dill_bsock_tag;

/* The handle first, then the arguments, then cancellation, and only then
 * the object, whose direction may be closed or failed (ref/README reading 2):
 * a malformed list is EINVAL even after ipc_done or a failed transfer, and a
 * call with nothing to move is checked like any other. */
static int dill_transfer(int s, struct dill_iolist *first,
      struct dill_iolist *last, int64_t deadline, bool sending) {
    /* a call with nothing to move is checked like any other: */
    /* spine: brecv/EBADF/zero-length */
    /* spine: brecvl/EBADF/zero-length */
    /* spine: bsend/EBADF/zero-length */
    /* spine: bsendl/EBADF/zero-length */
    /* spine: brecv/ENOTSUP/zero-length */
    /* spine: brecvl/ENOTSUP/zero-length */
    /* spine: bsend/ENOTSUP/zero-length */
    /* spine: bsendl/ENOTSUP/zero-length */
    struct dill_bsock_vfs *b = dill_hquery(s, dill_bsock_type);
    if(!b)
        return -1;
    /* the arguments before the state of the object (reading 2): */
    /* spine: brecvl/EINVAL/after-failed-receive */
    /* spine: brecvl/EINVAL/after-peer-done */
    /* spine: bsend/EINVAL/null-buffer-after-done */
    /* spine: bsendl/EINVAL/after-done */
    /* spine: bsendl/EINVAL/after-failed-send */
    if(dill_iolist_check(first, last, sending) < 0)
        return -1;
    /* cancellation before the object, nothing to move or not: */
    /* spine: brecv/ECANCELED/after */
    /* spine: brecv/ECANCELED/zero-length */
    /* spine: brecvl/ECANCELED/after */
    /* spine: brecvl/ECANCELED/zero-length */
    /* spine: bsend/ECANCELED/after */
    /* spine: bsend/ECANCELED/zero-length */
    /* spine: bsendl/ECANCELED/after */
    /* spine: bsendl/ECANCELED/zero-length */
    if(dill_check_canceled() < 0)
        return -1;
    return sending ? b->bsendl(b, first, last, deadline)
                   : b->brecvl(b, first, last, deadline);
}

int dill_bsendl(int s, struct dill_iolist *first, struct dill_iolist *last,
      int64_t deadline) {
    return dill_transfer(s, first, last, deadline, true);
}

int dill_brecvl(int s, struct dill_iolist *first, struct dill_iolist *last,
      int64_t deadline) {
    return dill_transfer(s, first, last, deadline, false);
}

int dill_bsend(int s, const void *buf, size_t len, int64_t deadline) {
    struct dill_iolist iol = {(void *)buf, len, NULL, 0};
    return dill_transfer(s, &iol, &iol, deadline, true);
}

/* brecv(3): "If buf is NULL, len bytes will be received but they will be
 * dropped" - exactly what a NULL iol_base means to brecvl.  Its one-item
 * list is always well formed, so brecv has no EINVAL of its own (the row is
 * waived in conformance/assertions/waivers.tsv). */
/* spine: brecv/EINVAL/no-invalid-argument */
int dill_brecv(int s, void *buf, size_t len, int64_t deadline) {
    struct dill_iolist iol = {buf, len, NULL, 0};
    return dill_transfer(s, &iol, &iol, deadline, false);
}
