/* The handle table.
 *
 * hclose(3) of a handle and later use of the same number must give EBADF,
 * not reach whatever object was created since.  So a freed number goes to
 * the tail of a FIFO and is reused only once DILL_QUARANTINE other numbers
 * are free before it: a just-closed number is never the next one handed out,
 * nor any of the DILL_QUARANTINE after it. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "handle.h"
#include "libdill.h"
#include "thread.h"

#define DILL_QUARANTINE 64

struct dill_slot {
    struct dill_hvfs *vfs;  /* NULL while free */
    int next_free;          /* the FIFO of free numbers, -1 ends it */
};

struct dill_handles {
    struct dill_slot *slots;
    int capacity;
    int used;               /* slots ever handed out: [0, used) */
    int free_head, free_tail, free_count;
};

static _Thread_local struct dill_handles ht = {NULL, 0, 0, -1, -1, 0};

/* At thread exit: the table goes, and the numbers with it. */
static void dill_handles_free(void) {
    free(ht.slots);
    ht = (struct dill_handles){NULL, 0, 0, -1, -1, 0};
}

static int dill_handles_grow(void) {
    if(ht.capacity >= INT_MAX / 2) {
        errno = ENOMEM;
        return -1;
    }
    if(dill_thread_register(dill_handles_free) < 0)
        return -1;
    int cap = ht.capacity ? ht.capacity * 2 : 256;
    struct dill_slot *s = realloc(ht.slots, sizeof(*s) * (size_t)cap);
    if(!s) {
        errno = ENOMEM;
        return -1;
    }
    ht.slots = s;
    ht.capacity = cap;
    return 0;
}

static int dill_take_free(void) {
    int h = ht.free_head;
    ht.free_head = ht.slots[h].next_free;
    if(ht.free_head < 0)
        ht.free_tail = -1;
    ht.free_count--;
    return h;
}

static void dill_put_free(int h) {
    ht.slots[h].vfs = NULL;
    ht.slots[h].next_free = -1;
    if(ht.free_tail >= 0)
        ht.slots[ht.free_tail].next_free = h;
    else
        ht.free_head = h;
    ht.free_tail = h;
    ht.free_count++;
}

int dill_hmake(struct dill_hvfs *vfs) {
    /* A user's type (libdillimpl.h) must be callable before it is stored
     * (ref/README reading 22). */
    if(!vfs || !vfs->query || !vfs->close) {
        errno = EINVAL;
        return -1;
    }
    int h;
    if(ht.free_count > DILL_QUARANTINE) {
        h = dill_take_free();
    } else {
        if(ht.used == ht.capacity && dill_handles_grow() < 0)
            return -1;
        h = ht.used++;
    }
    ht.slots[h].vfs = vfs;
    return h;
}

static struct dill_hvfs *dill_hget(int h) {
    /* a negative number: */
    /* spine: brecv/EBADF/minus-one */
    /* spine: brecvl/EBADF/minus-one */
    /* spine: bsend/EBADF/minus-one */
    /* spine: bsendl/EBADF/minus-one */
    /* spine: hclose/EBADF/minus-one */
    /* spine: ipc_accept/EBADF/minus-one */
    /* spine: ipc_accept_mem/EBADF/minus-one */
    /* spine: ipc_close/EBADF/minus-one */
    /* spine: ipc_done/EBADF/minus-one */
    /* spine: ipc_recvfd/EBADF/minus-one */
    /* spine: ipc_sendfd/EBADF/minus-one */
    /* a number never handed out: */
    /* spine: brecv/EBADF/out-of-range */
    /* spine: brecvl/EBADF/out-of-range */
    /* spine: bsend/EBADF/out-of-range */
    /* spine: bsendl/EBADF/out-of-range */
    /* spine: hclose/EBADF/out-of-range */
    /* spine: ipc_accept/EBADF/out-of-range */
    /* spine: ipc_accept_mem/EBADF/out-of-range */
    /* spine: ipc_close/EBADF/out-of-range */
    /* spine: ipc_done/EBADF/out-of-range */
    /* a closed number, not reused until DILL_QUARANTINE others (reading 20): */
    /* spine: brecv/EBADF/closed-handle */
    /* spine: brecvl/EBADF/closed-handle */
    /* spine: bsend/EBADF/closed-handle */
    /* spine: bsendl/EBADF/closed-handle */
    /* spine: hclose/EBADF/closed-handle */
    /* spine: hclose/EBADF/stale-after-new-objects */
    /* spine: ipc_accept/EBADF/closed-handle */
    /* spine: ipc_accept_mem/EBADF/closed-handle */
    /* spine: ipc_close/EBADF/closed-handle */
    /* spine: ipc_done/EBADF/closed-handle */
    if(h < 0 || h >= ht.used || !ht.slots[h].vfs) {
        errno = EBADF;
        return NULL;
    }
    return ht.slots[h].vfs;
}

void *dill_hquery(int h, const void *type) {
    struct dill_hvfs *vfs = dill_hget(h);
    if(!vfs)
        return NULL;
    void *iface = vfs->query(vfs, type);
    /* spine: brecv/ENOTSUP/bundle */
    /* spine: brecv/ENOTSUP/coroutine */
    /* spine: brecv/ENOTSUP/listener */
    /* spine: brecvl/ENOTSUP/bundle */
    /* spine: brecvl/ENOTSUP/coroutine */
    /* spine: brecvl/ENOTSUP/listener */
    /* spine: bsend/ENOTSUP/bundle */
    /* spine: bsend/ENOTSUP/coroutine */
    /* spine: bsend/ENOTSUP/listener */
    /* spine: bsendl/ENOTSUP/bundle */
    /* spine: bsendl/ENOTSUP/coroutine */
    /* spine: bsendl/ENOTSUP/listener */
    /* spine: ipc_accept/ENOTSUP/bundle */
    /* spine: ipc_accept/ENOTSUP/connection */
    /* spine: ipc_accept/ENOTSUP/coroutine */
    /* spine: ipc_accept_mem/ENOTSUP/bundle */
    /* spine: ipc_accept_mem/ENOTSUP/connection */
    /* spine: ipc_accept_mem/ENOTSUP/coroutine */
    /* spine: ipc_close/ENOTSUP/bundle */
    /* spine: ipc_close/ENOTSUP/coroutine */
    /* spine: ipc_done/ENOTSUP/bundle */
    /* spine: ipc_done/ENOTSUP/coroutine */
    /* spine: ipc_done/ENOTSUP/listener */
    /* spine: ipc_recvfd/ENOTSUP/bundle */
    /* spine: ipc_sendfd/ENOTSUP/listener */
    if(!iface)
        errno = ENOTSUP;
    return iface;
}

/* hclose(3): "Once all handles pointing to the same underlying object have
 * been closed, the object is deallocated immediately".  One handle per
 * object here, so the object goes now.  The number is freed first: closing
 * a bundle may run other coroutines, and they must already see EBADF. */
/* Every object has a close (dill_hmake refuses one without, reading 22),
 * so hclose never fails with ENOTSUP. */
int dill_hclose(int h) {
    struct dill_hvfs *vfs = dill_hget(h);
    if(!vfs)
        return -1;
    dill_put_free(h);
    /* spine: hclose/ENOTSUP/every-handle-closes */
    /* spine: hclose/listener */
    vfs->close(vfs);
    return 0;
}

/* hown(3): the object moves to a new number; the old one is invalid.  "If
 * the function fails, the old handle is closed." (ref/README reading 16) */
int dill_hown(int h) {
    /* spine: hown/EBADF/minus-one */
    /* spine: hown/EBADF/out-of-range */
    /* spine: hown/EBADF/closed-handle */
    struct dill_hvfs *vfs = dill_hget(h);
    if(!vfs)
        return -1;
    int nh = dill_hmake(vfs);
    /* spine: hown/EMFILE/no-fd-left */
    /* spine: hown/ENFILE/no-fd-left */
    /* spine: hown/ENOMEM/allocation-loop */
    /* spine: hown/canceled-caller-works */
    if(nh < 0) {
        int err = errno;
        dill_hclose(h);
        errno = err;
        return -1;
    }
    /* spine: hown/old-number-invalid */
    /* spine: hown/success-same-connection */
    /* spine: hown/success-same-bundle */
    /* spine: hown/success-same-listener */
    dill_put_free(h);
    return nh;
}
