/* bundle_go(3) and bundle_go_mem(3).  The twins run one body each:
 * bundle_go_mem's coroutine gets its stack in guarded storage
 * (ds_bundle_go). */
#include "core.h"
#include "inject.h"

static int ran;

static coroutine void count_run(void) {
    ran++;
}

DS_TWIN(bundle_go, success_runs_in_bundle,
    "returns 0; the coroutine runs in the bundle: bundle_wait waits for it, hclose of the bundle cancels it") {
    int b = bundle(), canceled = 0;
    DS_SETUP(b >= 0);
    bool done = false;
    DS_EXPECT_RC(ds_bundle_go(mem, b, ds_nap(50, &done)), 0);
    DS_EXPECT_RC(bundle_wait(b, now() + 2000), 0);
    cr_assert(done, "FAIL: bundle_wait returned before the coroutine ended");
    DS_EXPECT_RC(ds_bundle_go(mem, b, ds_sleeper(&canceled)), 0);
    DS_SETUP(hclose(b) == 0);
    cr_assert(canceled == 1, "FAIL: closing the bundle did not cancel the coroutine "
        "bundle_go launched in it");
}

/* A call that fails starts nothing. */
static void expect_refused(bool mem, int h, int err) {
    ran = 0;
    DS_EXPECT_ERR(ds_bundle_go(mem, h, count_run()), err,
        mem ? BUNDLE_GO_MEM_ERRS : BUNDLE_GO_ERRS);
    DS_SETUP(msleep(now() + 10) == 0);
    cr_assert(ran == 0, "FAIL: the coroutine ran though the call failed");
}

DS_TWIN(bundle_go, EBADF_minus_one, "bndl = -1 is an invalid handle: EBADF, nothing runs") {
    expect_refused(mem, -1, EBADF);
}

DS_TWIN(bundle_go, EBADF_out_of_range, "bndl = 2^30, never issued: EBADF, nothing runs") {
    expect_refused(mem, 1 << 30, EBADF);
}

DS_TWIN(bundle_go, EBADF_closed_handle, "a just-closed bundle: EBADF, nothing runs") {
    int b = bundle();
    DS_SETUP(b >= 0 && hclose(b) == 0);
    expect_refused(mem, b, EBADF);
}

DS_TWIN(bundle_go, ENOTSUP_connection,
    "a connection handle is not a bundle: ENOTSUP, nothing runs, the connection still works") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    expect_refused(mem, s[0], ENOTSUP);
    ds_expect_usable(s[0], s[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TWIN(bundle_go, ENOTSUP_listener,
    "a listener handle is not a bundle: ENOTSUP, nothing runs") {
    int ls = ipc_listen(ds_path("g.ipc"), 1);
    DS_SETUP(ls >= 0);
    expect_refused(mem, ls, ENOTSUP);
    DS_SETUP(hclose(ls) == 0);
}

static struct ds_result refused;

static coroutine void launch_after_cancel(bool mem, int b) {
    msleep(-1);
    ran = 0;
    DS_RESULT(&refused, ds_bundle_go(mem, b, count_run()));
}

DS_TWIN(bundle_go, ECANCELED_after,
    "called in a coroutine already canceled: ECANCELED, nothing runs, and the bundle still takes coroutines from others") {
    int b = bundle();
    DS_SETUP(b >= 0);
    int cr = go(launch_after_cancel(mem, b));
    DS_SETUP(cr >= 0 && hclose(cr) == 0);
    errno = refused.err;
    DS_EXPECT_ERR(refused.rc, ECANCELED, mem ? BUNDLE_GO_MEM_ERRS : BUNDLE_GO_ERRS);
    cr_assert(ran == 0, "FAIL: the coroutine ran though the call failed");
    DS_EXPECT_RC(ds_bundle_go(mem, b, count_run()), 0);
    DS_EXPECT_RC(bundle_wait(b, now() + 1000), 0);
    cr_assert(ran == 1, "FAIL: after the refusal the bundle did not run a coroutine");
    DS_SETUP(hclose(b) == 0);
}

DS_TEST(bundle_go, ENOMEM_no_stack_memory,
    "no memory for another stack (large mmaps and guard pages fail, injected): ENOMEM; the bundle keeps its coroutines, and hclose cancels them all") {
    int b = bundle(), canceled = 0, n = 0, rc = 0;
    DS_SETUP(b >= 0);
    ds_inject_no_stack_memory();
    for(; n < 100; n++)
        if((rc = bundle_go(b, ds_sleeper(&canceled))) < 0)
            break;
    int err = errno;
    int wait_rc = bundle_wait(b, 0), wait_errno = errno;
    DS_EXPECT_RC(hclose(b), 0);
    cr_assert(canceled == n, "FAIL: closing the bundle canceled %d of its %d "
        "coroutines", canceled, n);
    if(rc == 0)
        ds_untested("100 coroutines started without mmap: the target found memory "
            "for stacks elsewhere (the heap)");
    errno = err;
    DS_EXPECT_ERR(rc, ENOMEM, BUNDLE_GO_ERRS);
    cr_assert(wait_rc == -1 && wait_errno == ETIMEDOUT, "FAIL: after the failed "
        "bundle_go, bundle_wait(0) on the bundle returned %d (errno %s), expected "
        "ETIMEDOUT: its %d coroutines were still running", wait_rc,
        ds_errname(wait_errno), n);
}

DS_TEST(bundle_go, stack_1MB,
    "the coroutine gets a 1MB stack: 1 MiB less 64 KiB below its frame is writable") {
    struct ds_stack_probe probe;
    int b = bundle();
    DS_SETUP(b >= 0 && bundle_go(b, ds_probe_stack(&probe)) == 0);
    DS_SETUP(bundle_wait(b, now() + 1000) == 0 && hclose(b) == 0);
    ds_expect_stack_1MB(&probe);
}

DS_TEST(bundle_go, stack_guarded,
    "the stack is guarded by a non-writeable memory page: the first page below it that the coroutine cannot write is mapped, within 1 MiB + 64 KiB") {
    struct ds_stack_probe probe;
    int b = bundle();
    DS_SETUP(b >= 0 && bundle_go(b, ds_probe_stack(&probe)) == 0);
    DS_SETUP(bundle_wait(b, now() + 1000) == 0 && hclose(b) == 0);
    ds_expect_stack_guarded(&probe);
}

DS_TEST(bundle_go_mem, stack_in_buffer,
    "the coroutine's stack is the user's buffer: its frame lies inside it") {
    char *mem = ds_stack(DS_STACK_BYTES);
    struct ds_stack_probe probe;
    int b = bundle();
    DS_SETUP(b >= 0);
    DS_EXPECT_RC(bundle_go_mem(b, ds_probe_stack(&probe), mem, DS_STACK_BYTES), 0);
    DS_SETUP(bundle_wait(b, now() + 1000) == 0 && hclose(b) == 0);
    cr_assert(probe.frame >= (uintptr_t)mem && probe.frame < (uintptr_t)mem +
        DS_STACK_BYTES, "FAIL: the coroutine's frame at %p is outside its buffer "
        "[%p, %p)", (void *)probe.frame, (void *)mem, (void *)(mem + DS_STACK_BYTES));
}
