/* Bundles: "a lifetime control mechanism.  When it is closed, all coroutines
 * within the bundle are canceled." (bundle(3)) */
#include <errno.h>
#include <stdlib.h>

#include "bundle.h"
#include "handle.h"
#include "libdill.h"
#include "thread.h"

struct dill_bundle {
    struct dill_hvfs vfs;
    struct dill_list crs;      /* its running coroutines */
    struct dill_list waiters;  /* dill_cr.waiting: in bundle_wait or hclose */
    bool mem;                  /* in caller's storage: not ours to free */
};

_Static_assert(sizeof(struct dill_bundle) <= sizeof(struct dill_bundle_storage),
    "struct bundle_storage too small");

const int dill_bundle_type = 0;

static void *dill_bundle_query(struct dill_hvfs *vfs, const void *type) {
    return type == &dill_bundle_type ? vfs : NULL;
}

static void dill_bundle_close(struct dill_hvfs *vfs);

/* spine: bundle/success-empty */
/* spine: bundle_mem/success-empty */
/* spine: bundle/canceled-caller-works */
/* spine: bundle_mem/canceled-caller-works */
/* spine: bundle/EMFILE/no-fd-left */
/* spine: bundle/ENFILE/no-fd-left */
/* spine: bundle/ENOMEM/allocation-loop */
/* spine: bundle_mem/EMFILE/no-fd-left */
/* spine: bundle_mem/ENFILE/no-fd-left */
/* spine: bundle_mem/ENOMEM/allocation-loop */
static int dill_bundle_init(struct dill_bundle *b, bool mem) {
    b->vfs.query = dill_bundle_query;
    b->vfs.close = dill_bundle_close;
    dill_list_init(&b->crs);
    dill_list_init(&b->waiters);
    b->mem = mem;
    return dill_hmake(&b->vfs);
}

int dill_bundle_mem(struct dill_bundle_storage *mem) {
    /* spine: bundle_mem/EINVAL/null-storage */
    if(!mem) {
        errno = EINVAL;
        return -1;
    }
    return dill_bundle_init((struct dill_bundle *)mem, true);
}

/* Every go() makes a bundle and every hclose() of it frees one: keeping a
 * few freed ones saves a malloc/free pair per coroutine. */
#define DILL_BUNDLE_CACHE 64
static _Thread_local struct dill_bundle *dill_bundle_cache[DILL_BUNDLE_CACHE];
static _Thread_local int dill_bundle_cached;

/* At thread exit: the cached bundles (those in use are the program's). */
static void dill_bundles_free(void) {
    while(dill_bundle_cached > 0)
        free(dill_bundle_cache[--dill_bundle_cached]);
}

static struct dill_bundle *dill_bundle_alloc(void) {
    if(dill_bundle_cached > 0)
        return dill_bundle_cache[--dill_bundle_cached];
    if(dill_thread_register(dill_bundles_free) < 0)
        return NULL;
    return malloc(sizeof(struct dill_bundle));
}

static void dill_bundle_free(struct dill_bundle *b) {
    if(dill_bundle_cached < DILL_BUNDLE_CACHE)
        dill_bundle_cache[dill_bundle_cached++] = b;
    else
        free(b);
}

int dill_bundle(void) {
    struct dill_bundle *b = dill_bundle_alloc();
    if(!b) {
        errno = ENOMEM;
        return -1;
    }
    int h = dill_bundle_init(b, false);
    if(h < 0)
        dill_bundle_free(b);
    return h;
}

int dill_bundle_adopt(int h, struct dill_cr *cr) {
    struct dill_bundle *b = dill_hquery(h, &dill_bundle_type);
    if(!b)
        return -1;
    cr->bundle = b;
    /* spine: bundle_go/success-runs-in-bundle */
    /* spine: bundle_go_mem/success-runs-in-bundle */
    dill_list_insert(&cr->member, &b->crs);
    return 0;
}

void dill_bundle_remove(struct dill_bundle *b, struct dill_cr *cr) {
    dill_list_erase(&cr->member);
    cr->bundle = NULL;
    if(!dill_list_empty(&b->crs))
        return;
    /* the last coroutine ended, its caller gone or not: every waiter returns */
    /* spine: bundle_wait/returns-when-last-ends */
    /* spine: bundle_wait/two-waiters */
    /* spine: go/lifetime-exceeds-caller */
    /* spine: go_mem/lifetime-exceeds-caller */
    for(struct dill_list *it = b->waiters.next; it != &b->waiters; it = it->next)
        dill_wake(dill_cont(it, struct dill_cr, waiting), 0);
}

/* Waits until the bundle has no coroutines; 0 or -1 with errno. */
static int dill_bundle_drain(struct dill_bundle *b, int64_t deadline,
      bool cancelable) {
    struct dill_cr *self = dill_self();
    dill_list_insert(&self->waiting, &b->waiters);
    int rc = 0;
    while(rc == 0 && !dill_list_empty(&b->crs)) {
        /* spine: bundle_wait/deadline-infinite-waits */
        /* spine: bundle_wait/ETIMEDOUT/then-waits-again */
        rc = dill_block(deadline, cancelable);
        if(!dill_list_linked(&self->waiting)) {
            errno = EBADF;  /* another coroutine closed the bundle (reading 14) */
            return -1;
        }
    }
    dill_list_erase(&self->waiting);
    return rc;
}

/* bundle_wait(3): "If there are no coroutines in the bundle the function
 * will succeed immediately.  Otherwise, it will wait until all the
 * coroutines in the bundle finish or until deadline is reached." */
int dill_bundle_wait(int bndl, int64_t deadline) {
    struct dill_bundle *b = dill_hquery(bndl, &dill_bundle_type);
    /* spine: bundle_wait/EBADF/minus-one */
    /* spine: bundle_wait/EBADF/out-of-range */
    /* spine: bundle_wait/EBADF/closed-handle */
    /* spine: bundle_wait/ENOTSUP/connection */
    /* spine: bundle_wait/ENOTSUP/listener */
    if(!b)
        return -1;
    /* spine: bundle_wait/ECANCELED/after */
    /* spine: bundle_wait/ECANCELED/blocked */
    /* spine: bundle_wait/ECANCELED/repeated */
    if(dill_check_canceled() < 0)
        return -1;
    /* spine: bundle_wait/empty-bundle */
    /* spine: bundle_wait/deadline-0-all-ended */
    if(dill_list_empty(&b->crs))
        return 0;
    return dill_bundle_drain(b, deadline, true);
}

/* bundle(3): "When hclose() is called on the bundle, all the coroutines
 * contained in the bundle will be canceled ... The hclose() function itself
 * won't exit until all the coroutines in the bundle exit." */
static void dill_bundle_close(struct dill_hvfs *vfs) {
    struct dill_bundle *b = (struct dill_bundle *)vfs;
    struct dill_cr *self = dill_self();
    /* The handle is gone already: coroutines in bundle_wait on it fail with
     * EBADF at once, and never touch the bundle again (reading 14). */
    /* spine: bundle_wait/closed-by-another */
    while(!dill_list_empty(&b->waiters)) {
        struct dill_cr *cr = dill_cont(b->waiters.next, struct dill_cr, waiting);
        dill_list_erase(&cr->waiting);
        dill_evict(cr);
    }
    /* A coroutine closing its own bundle cannot wait for itself: it lives on
     * outside any bundle until it ends (reading 15). */
    if(self->bundle == b)
        dill_list_erase(&self->member), self->bundle = NULL;
    /* spine: hclose/bundle-cancels-and-waits */
    /* spine: bundle/hclose-cancels-and-waits */
    /* spine: bundle_mem/hclose-cancels-and-waits */
    for(struct dill_list *it = b->crs.next; it != &b->crs; it = it->next)
        dill_cancel(dill_cont(it, struct dill_cr, member));
    dill_bundle_drain(b, -1, false);
    if(!b->mem)
        dill_bundle_free(b);
}
