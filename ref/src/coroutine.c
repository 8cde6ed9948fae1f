/* go(3) and friends, msleep(3), yield(3). */
#include <errno.h>

#include "bundle.h"
#include "libdill.h"
#include "stack.h"

/* Called by the go() family's macro in the caller's frame: validates,
 * makes the coroutine and switches the scheduler to it.  The macro then
 * saves the caller in *ctx and moves to the stack top in *sp. */
int dill_go_prologue(void **ctx, void **sp, void *mem, size_t memlen,
      int bndl, int new_bundle) {
    if(dill_check_canceled() < 0)
        return -1;
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
    *ctx = dill_start(cr);
    return h;
}

void dill_go_epilogue(void) {
    dill_exit();
}

/* msleep(3): "blocks until the deadline expires or an error occurs.  In the
 * former case it returns zero." */
int dill_msleep(int64_t deadline) {
    if(dill_check_canceled() < 0)
        return -1;
    if(dill_block(deadline, true) < 0 && errno != ETIMEDOUT)
        return -1;
    return 0;
}

/* yield(3): "give other coroutines a chance to run". */
int dill_yield(void) {
    return dill_reschedule();   /* ECANCELED first (reading 2) */
}
