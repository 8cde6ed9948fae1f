/* hown(3): "To transfer ownership this function changes the number
 * associated with the object.  The old number becomes invalid ...  The new
 * number can be used in exactly the same way as the old one would.  If the
 * function fails, the old handle is closed." */
#include "alloc.h"
#include "core.h"
#include "inject.h"

DS_TEST(hown, success_same_connection,
    "returns a new number for the same connection: the bytes sent before still arrive through it, and it carries bytes both ways") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[1], "AB", 2, now() + 1000) == 0);
    int h = hown(s[0]);
    DS_EXPECT_HANDLE(h);
    cr_assert(h != s[0], "FAIL: hown returned the old number %d", h);
    char buf[2];
    DS_EXPECT_RC(brecv(h, buf, 2, now() + 1000), 0);
    cr_assert(memcmp(buf, "AB", 2) == 0, "FAIL: the bytes sent before hown changed");
    ds_expect_usable(h, s[1]);
    DS_SETUP(hclose(h) == 0 && hclose(s[1]) == 0);
}

DS_TEST(hown, success_same_bundle,
    "a bundle moved to a new number keeps its coroutines: bundle_wait through the new number waits for them, hclose of it cancels them") {
    int b = bundle(), canceled = 0;
    bool done = false;
    DS_SETUP(b >= 0);
    DS_SETUP(bundle_go(b, ds_nap(50, &done)) == 0);
    DS_SETUP(bundle_go(b, ds_sleeper(&canceled)) == 0);
    int h = hown(b);
    DS_EXPECT_HANDLE(h);
    cr_assert(h != b, "FAIL: hown returned the old number %d", h);
    DS_EXPECT_ERR(bundle_wait(h, now() + 200), ETIMEDOUT, BUNDLE_WAIT_ERRS);
    cr_assert(done, "FAIL: the bundle's coroutine did not run on after hown");
    DS_EXPECT_RC(hclose(h), 0);
    cr_assert(canceled == 1, "FAIL: closing the new number did not cancel the "
        "bundle's coroutine");
}

DS_TEST(hown, success_same_listener,
    "a listener moved to a new number accepts through it") {
    int ls = ipc_listen(ds_path("o.ipc"), 10);
    DS_SETUP(ls >= 0);
    int h = hown(ls);
    DS_EXPECT_HANDLE(h);
    int c = ipc_connect(ds_path("o.ipc"), now() + 1000);
    DS_SETUP(c >= 0);
    int s = ipc_accept(h, now() + 1000);
    DS_EXPECT_HANDLE(s);
    ds_expect_usable(c, s);
    DS_SETUP(hclose(s) == 0 && hclose(c) == 0 && hclose(h) == 0);
}

/* ref/README reading 16: the page calls using the old number undefined
 * behaviour; ref makes it EBADF, as for any closed handle (reading 20). */
DS_TEST(hown, old_number_invalid,
    "the old number is invalid afterwards: EBADF for a call on it (reading 16), and closing it leaves the object to the new number") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int h = hown(s[0]);
    DS_SETUP(h >= 0);
    DS_EXPECT_ERR(bsend(s[0], "x", 1, now() + 1000), EBADF, BSEND_ERRS);
    DS_EXPECT_ERR(hclose(s[0]), EBADF, HCLOSE_ERRS);
    ds_expect_usable(h, s[1]);
    DS_SETUP(hclose(h) == 0 && hclose(s[1]) == 0);
}

DS_TEST(hown, EBADF_minus_one, "h = -1 is an invalid handle: EBADF") {
    DS_EXPECT_ERR(hown(-1), EBADF, HOWN_ERRS);
}

DS_TEST(hown, EBADF_out_of_range, "h = 2^30, never issued: EBADF") {
    DS_EXPECT_ERR(hown(1 << 30), EBADF, HOWN_ERRS);
}

DS_TEST(hown, EBADF_closed_handle, "a just-closed handle: EBADF") {
    DS_EXPECT_ERR(hown(ds_closed_handle()), EBADF, HOWN_ERRS);
}

/* hown makes no fd in ref or libdill; with none to be had, it either does
 * not need one, or fails with the errno that says so and closes the old
 * handle ("If the function fails, the old handle is closed"). */
static void hown_without_fds(void (*inject)(void), int err) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    inject();
    int h = hown(s[0]);
    if(h < 0) {
        DS_EXPECT_ERR(h, err, HOWN_ERRS);
        DS_EXPECT_ERR(hclose(s[0]), EBADF, HCLOSE_ERRS);
    } else {
        ds_expect_usable(h, s[1]);
        DS_SETUP(hclose(h) == 0);
    }
    DS_SETUP(hclose(s[1]) == 0);
}

DS_TEST(hown, EMFILE_no_fd_left,
    "no fd left in the process (RLIMIT_NOFILE): hown works (it needs none) or fails with EMFILE, closing the old handle") {
    hown_without_fds(ds_inject_emfile, EMFILE);
}

DS_TEST(hown, ENFILE_no_fd_left,
    "no fd left in the system (every fd-making call fails ENFILE, injected): hown works or fails with ENFILE, closing the old handle") {
    hown_without_fds(ds_inject_enfile, ENFILE);
}

/* Each call gets a fresh bundle; a failed hown must have closed it. */
struct hown_st {
    int old;
};

static void hown_setup(void *p) {
    struct hown_st *s = p;
    s->old = bundle();
    DS_SETUP(s->old >= 0);
}

static int hown_call(void *p) {
    struct hown_st *s = p;
    return hown(s->old);
}

static void hown_undo(void *p, int h) {
    (void)p;
    DS_SETUP(hclose(h) == 0);
}

static void hown_failed(void *p) {
    struct hown_st *s = p;
    errno = 0;
    int rc = hclose(s->old);
    cr_assert(rc == -1 && errno == EBADF, "FAIL: hown failed with ENOMEM but "
        "the old handle was still open (hclose returned %d, errno %s)", rc,
        ds_errname(errno));
}

DS_TEST(hown, ENOMEM_allocation_loop,
    "not enough memory: with its 1st, 2nd, ... allocation failing (libfiu), hown gives -1/ENOMEM and closes the old handle each time, leaking nothing, until it succeeds; also while the handle table grows") {
    struct hown_st s;
    ds_alloc_loop(&(struct ds_alloc_case){HOWN_ERRS, hown_setup, hown_call,
        hown_undo, hown_failed}, &s);
}

/* ref/README reading 2: the table lacks ECANCELED, so a canceled coroutine
 * moves handles as any other. */
static struct ds_result moved;

static coroutine void hown_after_cancel(int h) {
    msleep(-1);
    DS_RESULT(&moved, hown(h));
}

DS_TEST(hown, canceled_caller_works,
    "called in a canceled coroutine: the handle moves all the same (its ERRORS lack ECANCELED, reading 2)") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(hown_after_cancel(s[0]));
    DS_SETUP(cr >= 0 && hclose(cr) == 0);
    errno = moved.err;
    DS_EXPECT_HANDLE(moved.rc);
    ds_expect_usable(moved.rc, s[1]);
    DS_SETUP(hclose(moved.rc) == 0 && hclose(s[1]) == 0);
}
