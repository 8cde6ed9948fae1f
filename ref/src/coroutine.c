/* go(3) and friends, msleep(3), yield(3). */
#include <errno.h>

#include "bundle.h"
#include "handle.h"
#include "libdill.h"
#include "stack.h"

/* Called by the go() family's macro in the caller's frame: validates,
 * makes the coroutine and switches the scheduler to it.  The macro then
 * saves the caller in *ctx and moves to the stack top in *sp. */
int dill_go_prologue(void **ctx, void **sp, void *mem, size_t memlen,
      int bndl, int new_bundle) {
    /* bundle_go's handle first: EBADF, ENOTSUP before ECANCELED (reading 2). */
    /* spine: bundle_go/EBADF/minus-one */
    /* spine: bundle_go/EBADF/out-of-range */
    /* spine: bundle_go/EBADF/closed-handle */
    /* spine: bundle_go/ENOTSUP/connection */
    /* spine: bundle_go/ENOTSUP/listener */
    /* spine: bundle_go_mem/EBADF/minus-one */
    /* spine: bundle_go_mem/EBADF/out-of-range */
    /* spine: bundle_go_mem/EBADF/closed-handle */
    /* spine: bundle_go_mem/ENOTSUP/connection */
    /* spine: bundle_go_mem/ENOTSUP/listener */
    if(!new_bundle && !dill_hquery(bndl, &dill_bundle_type))
        return -1;
    /* spine: go/ECANCELED/after */
    /* spine: go_mem/ECANCELED/after */
    /* spine: bundle_go/ECANCELED/after */
    /* spine: bundle_go_mem/ECANCELED/after */
    if(dill_check_canceled() < 0)
        return -1;
    /* go()'s own bundle, a handle (its page's EMFILE, ENFILE, ENOMEM): */
    /* spine: go/returns-bundle-handle */
    /* spine: go_mem/returns-bundle-handle */
    /* spine: go/EMFILE/no-fd-left */
    /* spine: go/ENFILE/no-fd-left */
    /* spine: go/ENOMEM/allocation-loop */
    /* spine: go_mem/EMFILE/no-fd-left */
    /* spine: go_mem/ENFILE/no-fd-left */
    /* spine: go_mem/ENOMEM/allocation-loop */
    int h = new_bundle ? dill_bundle() : bndl;
    if(h < 0)
        return -1;
    struct dill_cr *cr = mem ? dill_stack_wrap(mem, memlen) : dill_stack_new();
    if(!cr || dill_bundle_adopt(h, cr) < 0) {
        int err = errno;
        if(cr)
            dill_stack_release(cr);
        if(new_bundle)
            dill_hclose(h);
        errno = err;
        return -1;
    }
    *sp = dill_stack_top(cr);
    /* spine: go/success-runs */
    /* spine: go_mem/success-runs */
    *ctx = dill_start(cr);
    return h;
}

/* The coroutine's function returned: it leaves its bundle, then ends. */
void dill_go_epilogue(void) {
    struct dill_cr *self = dill_self();
    if(self->bundle)
        dill_bundle_remove(self->bundle, self);
    dill_exit();
}

/* msleep(3): "blocks until the deadline expires or an error occurs.  In the
 * former case it returns zero." */
int dill_msleep(int64_t deadline) {
    /* spine: msleep/ECANCELED/after */
    /* spine: msleep/ECANCELED/repeated */
    if(dill_check_canceled() < 0)
        return -1;
    /* an expired deadline, whichever, is success; cancellation is not: */
    /* spine: msleep/deadline-0 */
    /* spine: msleep/past-deadline */
    /* spine: msleep/timed */
    /* spine: msleep/deadline-infinite-blocks */
    /* spine: msleep/ECANCELED/blocked */
    if(dill_block(deadline, true) < 0 && errno != ETIMEDOUT)
        return -1;
    return 0;
}

/* yield(3): "give other coroutines a chance to run". */
int dill_yield(void) {
    return dill_reschedule();   /* ECANCELED first (reading 2) */
}
