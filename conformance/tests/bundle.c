/* bundle(3) and bundle_mem(3).  The twins run one body each: bundle_mem's
 * object lives in guarded storage (ds_bundle). */
#include "alloc.h"
#include "core.h"
#include "inject.h"

DS_TWIN(bundle, success_empty,
    "returns a handle of a new, empty bundle: bundle_wait succeeds at once, hclose returns 0") {
    int b = ds_bundle(mem);
    DS_EXPECT_HANDLE(b);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(bundle_wait(b, -1), 0);
    DS_EXPECT_FAST(t0);
    DS_EXPECT_RC(hclose(b), 0);
}

/* The coroutines block in different calls; each, once canceled, still
 * does some work (a failing yield, a non-blocking send) before it ends. */
static int canceled, exited;

static coroutine void blocked_then_clean_up(int kind, int fd, int s) {
    int rc = kind == 0 ? msleep(-1) : kind == 1 ? fdin(fd, -1)
           : brecv(s, &(char){0}, 1, -1);
    if(rc == -1 && errno == ECANCELED)
        canceled++;
    yield();
    bsend(s, "x", 1, 0);
    exited++;
}

DS_TWIN(bundle, hclose_cancels_and_waits,
    "hclose cancels every coroutine of the bundle (their blocking calls fail with ECANCELED) and returns only after all of them exited") {
    int b = ds_bundle(mem), p[2], s[2];
    DS_SETUP(b >= 0);
    ds_pipe(p);
    DS_SETUP(ipc_pair(s) == 0);
    canceled = exited = 0;
    for(int kind = 0; kind < 3; kind++)
        DS_SETUP(bundle_go(b, blocked_then_clean_up(kind, p[0], s[0])) == 0);
    DS_SETUP(msleep(now() + 20) == 0);
    cr_assert(exited == 0, "FAIL: a coroutine ended before the bundle was closed");
    DS_EXPECT_RC(hclose(b), 0);
    cr_assert(canceled == 3, "FAIL: %d of 3 blocked calls failed with ECANCELED", canceled);
    cr_assert(exited == 3, "FAIL: hclose returned while %d of 3 coroutines had "
        "not exited", 3 - exited);
    ds_pipe_close(p);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* A bundle needs no fd in ref or libdill; with none to be had, bundle()
 * either does not need one or fails with the errno that says so. */
static void bundle_without_fds(bool mem, int err) {
    int b = ds_bundle(mem);
    if(b < 0) {
        DS_EXPECT_ERR(b, err, BUNDLE_ERRS);
        return;
    }
    DS_EXPECT_RC(bundle_wait(b, 0), 0);
    DS_EXPECT_RC(hclose(b), 0);
}

DS_TWIN(bundle, EMFILE_no_fd_left,
    "no fd left in the process (RLIMIT_NOFILE): bundle works (it needs none) or fails with EMFILE") {
    ds_inject_emfile();
    bundle_without_fds(mem, EMFILE);
}

DS_TWIN(bundle, ENFILE_no_fd_left,
    "no fd left in the system (every fd-making call fails ENFILE, injected): bundle works or fails with ENFILE") {
    ds_inject_enfile();
    bundle_without_fds(mem, ENFILE);
}

struct bundle_st {
    bool mem;
    void *storage;
};

static void bundle_setup(void *p) {
    (void)p;
}

static int bundle_call(void *p) {
    struct bundle_st *s = p;
    return s->mem ? bundle_mem(s->storage) : bundle();
}

static void bundle_undo(void *p, int h) {
    (void)p;
    DS_SETUP(hclose(h) == 0);
}

static void bundle_failed(void *p) {
    (void)p;
}

DS_TWIN(bundle, ENOMEM_allocation_loop,
    "not enough memory: with its 1st, 2nd, ... allocation failing (libfiu), the call gives -1/ENOMEM each time, leaking nothing, until it succeeds; also while the handle table grows") {
    struct bundle_st s = {mem, mem ? ds_guarded(sizeof(struct bundle_storage)) : NULL};
    ds_alloc_loop(&(struct ds_alloc_case){BUNDLE_ERRS, bundle_setup,
        bundle_call, bundle_undo, bundle_failed}, &s);
}

/* ref/README reading 2: the table lacks ECANCELED, so a canceled coroutine
 * makes bundles as any other. */
static struct ds_result made;

static coroutine void bundle_after_cancel(bool mem) {
    msleep(-1);
    DS_RESULT(&made, ds_bundle(mem));
    if(made.rc >= 0)
        hclose(made.rc);
}

DS_TWIN(bundle, canceled_caller_works,
    "called in a canceled coroutine: a bundle is made all the same (its ERRORS lack ECANCELED, reading 2)") {
    int cr = go(bundle_after_cancel(mem));
    DS_SETUP(cr >= 0);
    DS_SETUP(hclose(cr) == 0);
    errno = made.err;
    DS_EXPECT_HANDLE(made.rc);
}

DS_TEST(bundle_mem, EINVAL_null_storage,
    "NULL storage: -1 with EINVAL (reading 6: the table lacks it), no crash, no handle") {
    errno = 0;
    DS_EXPECT_ERR(bundle_mem(NULL), EINVAL, BUNDLE_ERRS);
}
