/* go(3) and go_mem(3).  The twins run one body each: go_mem's coroutine
 * gets its stack in guarded storage (ds_go). */
#include "alloc.h"
#include "core.h"
#include "inject.h"

static int ran;

/* "The return value of the coroutine, if any, is discarded". */
static coroutine int count_and_return(void) {
    ran++;
    return 42;
}

DS_TWIN(go, success_runs,
    "returns a handle; the coroutine runs concurrently (it has run once its caller blocked); its return value is discarded") {
    ran = 0;
    int h = ds_go(mem, count_and_return());
    DS_EXPECT_HANDLE(h);
    DS_SETUP(msleep(now() + 10) == 0);
    cr_assert(ran == 1, "FAIL: the coroutine ran %d times by the time its caller "
        "had slept 10 ms, expected once", ran);
    DS_EXPECT_RC(hclose(h), 0);
}

DS_TWIN(go, returns_bundle_handle,
    "the handle is a bundle containing the new coroutine: bundle_wait on it waits for the coroutine, bundle_go adds to it") {
    bool first = false, second = false;
    int h = ds_go(mem, ds_nap(50, &first));
    DS_SETUP(h >= 0);
    DS_EXPECT_RC(bundle_go(h, ds_nap(100, &second)), 0);
    DS_EXPECT_RC(bundle_wait(h, now() + 2000), 0);
    cr_assert(first && second, "FAIL: bundle_wait on go's handle returned before "
        "its coroutines ended (first %s, second %s)", first ? "ended" : "running",
        second ? "ended" : "running");
    DS_EXPECT_RC(hclose(h), 0);
}

static int child;
static bool child_done, parent_done;

static coroutine void start_child_and_end(bool mem) {
    child = ds_go(mem, ds_nap(100, &child_done));
    parent_done = true;
}

DS_TWIN(go, lifetime_exceeds_caller,
    "the coroutine's lifetime may exceed its caller's: a coroutine started by one that ended still runs to its end") {
    child = -1;
    child_done = parent_done = false;
    int parent = go(start_child_and_end(mem));
    DS_SETUP(parent >= 0);
    DS_SETUP(bundle_wait(parent, now() + 1000) == 0 && hclose(parent) == 0);
    DS_SETUP(parent_done);
    DS_EXPECT_HANDLE(child);
    cr_assert(!child_done, "FAIL: the child ended before its 100 ms sleep");
    DS_EXPECT_RC(bundle_wait(child, now() + 2000), 0);
    cr_assert(child_done, "FAIL: the child did not run to its end after its "
        "caller ended");
    DS_SETUP(hclose(child) == 0);
}

static struct ds_result canceled;

static coroutine void go_after_cancel(bool mem) {
    msleep(-1);
    ran = 0;
    DS_RESULT(&canceled, ds_go(mem, count_and_return()));
    if(canceled.rc >= 0)
        hclose(canceled.rc);
}

DS_TWIN(go, ECANCELED_after,
    "called in a coroutine already canceled: ECANCELED, and no coroutine starts") {
    int cr = go(go_after_cancel(mem));
    DS_SETUP(cr >= 0);
    DS_SETUP(hclose(cr) == 0);
    errno = canceled.err;
    DS_EXPECT_ERR(canceled.rc, ECANCELED, mem ? GO_MEM_ERRS : GO_ERRS);
    cr_assert(ran == 0, "FAIL: the coroutine ran though go() failed");
}

/* The pages list EMFILE and ENFILE, though a coroutine needs no fd in ref
 * or libdill: with none to be had, go() either does not need one or fails
 * with the errno that says so, and nothing is left behind. */
static void go_without_fds(bool mem, int err) {
    ran = 0;
    int h = ds_go(mem, count_and_return());
    if(h < 0) {
        DS_EXPECT_ERR(h, err, mem ? GO_MEM_ERRS : GO_ERRS);
        cr_assert(ran == 0, "FAIL: the coroutine ran though go() failed");
        return;
    }
    DS_SETUP(msleep(now() + 10) == 0);
    cr_assert(ran == 1, "FAIL: go() returned a handle but the coroutine never ran");
    DS_EXPECT_RC(hclose(h), 0);
}

DS_TWIN(go, EMFILE_no_fd_left,
    "no fd left in the process (RLIMIT_NOFILE): go works (a coroutine needs none) or fails with EMFILE") {
    ds_inject_emfile();
    go_without_fds(mem, EMFILE);
}

DS_TWIN(go, ENFILE_no_fd_left,
    "no fd left in the system (every fd-making call fails ENFILE, injected): go works or fails with ENFILE") {
    ds_inject_enfile();
    go_without_fds(mem, ENFILE);
}

struct go_st {
    bool mem;
    void *stack;    /* go_mem's, reused: each coroutine ends before the next */
};

static void go_setup(void *p) {
    (void)p;
}

static coroutine void nothing(void) {
}

static int go_call(void *p) {
    struct go_st *s = p;
    return s->mem ? go_mem(nothing(), s->stack, DS_STACK_BYTES) : go(nothing());
}

static void go_undo(void *p, int h) {
    (void)p;
    DS_SETUP(hclose(h) == 0);
}

static void go_failed(void *p) {
    (void)p;
}

DS_TWIN(go, ENOMEM_allocation_loop,
    "not enough memory: with its 1st, 2nd, ... allocation failing (libfiu), go gives -1/ENOMEM each time, leaking nothing, until it succeeds; also while the handle table grows") {
    struct go_st s = {mem, mem ? ds_stack(DS_STACK_BYTES) : NULL};
    ds_alloc_loop(&(struct ds_alloc_case){mem ? GO_MEM_ERRS : GO_ERRS, go_setup,
        go_call, go_undo, go_failed}, &s);
}

DS_TEST(go, ENOMEM_no_stack_memory,
    "no memory for another stack (large mmaps and guard pages fail, injected): go fails with ENOMEM; the coroutines already running are unharmed") {
    int canceled_count = 0, h[100], n = 0, rc = 0;
    /* More coroutines than any cache of stacks holds, so one needs new memory. */
    ds_inject_no_stack_memory();
    for(; n < 100; n++) {
        rc = h[n] = go(ds_sleeper(&canceled_count));
        if(rc < 0)
            break;
    }
    int err = errno;
    for(int i = 0; i < n; i++)
        DS_SETUP(hclose(h[i]) == 0);
    cr_assert(canceled_count == n, "FAIL: %d of the %d coroutines started were "
        "canceled when closed", canceled_count, n);
    if(rc >= 0)
        ds_untested("100 coroutines started without mmap: the target found memory "
            "for stacks elsewhere (the heap)");
    errno = err;
    DS_EXPECT_ERR(rc, ENOMEM, GO_ERRS);
}

DS_TEST(go, stack_1MB,
    "the coroutine gets a 1MB stack: 1 MiB less 64 KiB below its frame is writable") {
    struct ds_stack_probe probe;
    int h = go(ds_probe_stack(&probe));
    DS_SETUP(h >= 0 && hclose(h) == 0);
    ds_expect_stack_1MB(&probe);
}

DS_TEST(go, stack_guarded,
    "the stack is guarded by a non-writeable memory page: the first page below it that the coroutine cannot write is mapped, within 1 MiB + 64 KiB") {
    struct ds_stack_probe probe;
    int h = go(ds_probe_stack(&probe));
    DS_SETUP(h >= 0 && hclose(h) == 0);
    ds_expect_stack_guarded(&probe);
}

/******************************************************************************/
/*  go_mem's buffer                                                           */
/******************************************************************************/

static uintptr_t frame;
static unsigned misaligned;

/* The compiler takes the stack to be aligned as the ABI says, and would
 * fold `address % 16` to 0: the address goes through a volatile first. */
static coroutine void where_am_i(void) {
    _Alignas(16) char x[16];
    volatile uintptr_t at = (uintptr_t)x;
    frame = at;
    misaligned = (unsigned)(at % 16);
}

DS_TEST(go_mem, stack_in_buffer,
    "the coroutine runs on the user-supplied stack: its frame lies inside the buffer") {
    char *mem = ds_stack(DS_STACK_BYTES);
    frame = 0;
    int h = go_mem(where_am_i(), mem, DS_STACK_BYTES);
    DS_EXPECT_HANDLE(h);
    DS_SETUP(hclose(h) == 0);
    cr_assert(frame >= (uintptr_t)mem && frame < (uintptr_t)mem + DS_STACK_BYTES,
        "FAIL: the coroutine's frame at %p is outside its buffer [%p, %p)",
        (void *)frame, (void *)mem, (void *)(mem + DS_STACK_BYTES));
}

DS_TEST(go_mem, unaligned_buffer,
    "the buffer doesn't have to be aligned: at an odd address and of an odd length, the coroutine runs on a properly aligned stack inside it") {
    char *p = ds_stack(DS_STACK_BYTES + 5);
    char *mem = p + 3;
    size_t len = DS_STACK_BYTES + 1;
    frame = 0;
    misaligned = 99;
    int h = go_mem(where_am_i(), mem, len);
    DS_EXPECT_HANDLE(h);
    DS_SETUP(hclose(h) == 0);
    cr_assert(frame >= (uintptr_t)mem && frame < (uintptr_t)mem + len,
        "FAIL: the coroutine's frame at %p is outside its buffer [%p, %p)",
        (void *)frame, (void *)mem, (void *)(mem + len));
    cr_assert(misaligned == 0, "FAIL: a 16-byte aligned local of the coroutine is "
        "at an address 16k+%u: its stack is misaligned", misaligned);
}

/* ref/README reading 13: a buffer too small for any coroutine. */
DS_TEST(go_mem, ENOMEM_tiny_buffer,
    "a 128-byte buffer cannot hold a coroutine: ENOMEM, and nothing runs") {
    char *mem = ds_stack(128);
    ran = 0;
    DS_EXPECT_ERR(go_mem(count_and_return(), mem, 128), ENOMEM, GO_MEM_ERRS);
    cr_assert(ran == 0, "FAIL: the coroutine ran though go_mem failed");
}

/* libdill#86: the third go_mem() with 16 KiB buffers crashed. */
#define DS_EXAMPLES 24

DS_TEST(go_mem, example_16KiB_many,
    "the page's example size: 24 coroutines at once, each on its own 16384-byte buffer, all run and sleep to their end") {
    int h[DS_EXAMPLES];
    bool done[DS_EXAMPLES] = {false};
    for(int i = 0; i < DS_EXAMPLES; i++) {
        h[i] = go_mem(ds_nap(20, &done[i]), ds_stack(16384), 16384);
        DS_EXPECT_HANDLE(h[i]);
    }
    for(int i = 0; i < DS_EXAMPLES; i++) {
        DS_EXPECT_RC(bundle_wait(h[i], now() + 2000), 0);
        cr_assert(done[i], "FAIL: coroutine %d did not sleep to its end", i);
        DS_SETUP(hclose(h[i]) == 0);
    }
}
