/* bundle_wait(3). */
#include "core.h"

DS_TEST(bundle_wait, empty_bundle,
    "no coroutines in the bundle: succeeds immediately, whatever the deadline") {
    int b = bundle();
    DS_SETUP(b >= 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(bundle_wait(b, -1), 0);
    DS_EXPECT_RC(bundle_wait(b, 0), 0);
    DS_EXPECT_FAST(t0);
    DS_SETUP(hclose(b) == 0);
}

DS_TEST(bundle_wait, returns_when_last_ends,
    "waits until all the coroutines finish: returns when the last one ends (150 ms), not when the first does (50 ms)") {
    int b = bundle();
    bool first = false, last = false;
    DS_SETUP(b >= 0);
    DS_SETUP(bundle_go(b, ds_nap(50, &first)) == 0);
    DS_SETUP(bundle_go(b, ds_nap(150, &last)) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(bundle_wait(b, -1), 0);
    int64_t el = ds_ms() - t0;
    cr_assert(first && last, "FAIL: returned after %lld ms with a coroutine still "
        "running", (long long)el);
    cr_assert(el <= 150 + DS_LATE_MS, "FAIL: returned %lld ms after the last "
        "coroutine ended (late)", (long long)(el - 150));
    DS_SETUP(hclose(b) == 0);
}

DS_TEST(bundle_wait, ETIMEDOUT_deadline_0,
    "deadline 0 with a coroutine running: ETIMEDOUT without blocking") {
    ds_check_wait_deadline_0(&ds_wait_bundle);
}

DS_TEST(bundle_wait, deadline_0_all_ended,
    "deadline 0 once the coroutines ended: 0 (the operation is performed if possible)") {
    ds_check_wait_deadline_0_ready(&ds_wait_bundle);
}

DS_TEST(bundle_wait, ETIMEDOUT_timed,
    "a timed deadline with a coroutine running: ETIMEDOUT, neither early nor much late") {
    ds_check_wait_deadline_timed(&ds_wait_bundle);
}

DS_TEST(bundle_wait, ETIMEDOUT_past_deadline,
    "a deadline already past acts like 0: ETIMEDOUT without blocking") {
    ds_check_wait_deadline_past(&ds_wait_bundle);
}

DS_TEST(bundle_wait, deadline_infinite_waits,
    "deadline -1 blocks until the last coroutine ends, and not less") {
    ds_check_wait_deadline_infinite(&ds_wait_bundle);
}

DS_TEST(bundle_wait, ETIMEDOUT_then_waits_again,
    "a timeout cancels nothing: the coroutines run on, and a later bundle_wait returns when they end") {
    ds_check_wait_after_timeout(&ds_wait_bundle);
}

DS_TEST(bundle_wait, ECANCELED_blocked,
    "blocked in the call when its coroutine is closed: ECANCELED at once") {
    ds_check_wait_ecanceled_blocked(&ds_wait_bundle);
}

DS_TEST(bundle_wait, ECANCELED_after,
    "called in a coroutine already canceled: ECANCELED without blocking") {
    ds_check_wait_ecanceled_after(&ds_wait_bundle);
}

DS_TEST(bundle_wait, while_others_yield,
    "the last coroutine's end is seen within 250 ms while other coroutines loop on yield()") {
    ds_check_wait_while_others_yield(&ds_wait_bundle);
}

DS_TEST(bundle_wait, EBADF_minus_one, "bndl = -1 is an invalid handle: EBADF") {
    DS_EXPECT_ERR(bundle_wait(-1, now() + 1000), EBADF, BUNDLE_WAIT_ERRS);
}

DS_TEST(bundle_wait, EBADF_out_of_range, "bndl = 2^30, never issued: EBADF") {
    DS_EXPECT_ERR(bundle_wait(1 << 30, now() + 1000), EBADF, BUNDLE_WAIT_ERRS);
}

DS_TEST(bundle_wait, EBADF_closed_handle, "a just-closed bundle: EBADF") {
    int b = bundle();
    DS_SETUP(b >= 0 && hclose(b) == 0);
    DS_EXPECT_ERR(bundle_wait(b, now() + 1000), EBADF, BUNDLE_WAIT_ERRS);
}

DS_TEST(bundle_wait, ENOTSUP_connection,
    "a connection handle is not a bundle: ENOTSUP, and the connection still works") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_EXPECT_ERR(bundle_wait(s[0], now() + 1000), ENOTSUP, BUNDLE_WAIT_ERRS);
    ds_expect_usable(s[0], s[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(bundle_wait, ENOTSUP_listener, "a listener handle is not a bundle: ENOTSUP") {
    int ls = ipc_listen(ds_path("w.ipc"), 1);
    DS_SETUP(ls >= 0);
    DS_EXPECT_ERR(bundle_wait(ls, now() + 1000), ENOTSUP, BUNDLE_WAIT_ERRS);
    DS_SETUP(hclose(ls) == 0);
}

/* Two coroutines wait on one bundle: each waits until all its coroutines
 * finish, and so each returns 0 when the last one ends. */
static struct ds_result waited[2];

static coroutine void wait_for(int b, int i) {
    DS_RESULT(&waited[i], bundle_wait(b, now() + 1000));
}

DS_TEST(bundle_wait, two_waiters,
    "two coroutines waiting on one bundle both return 0 when its last coroutine ends") {
    int b = bundle(), w = bundle();
    bool done = false;
    DS_SETUP(b >= 0 && w >= 0);
    DS_SETUP(bundle_go(b, ds_nap(100, &done)) == 0);
    DS_SETUP(bundle_go(w, wait_for(b, 0)) == 0 && bundle_go(w, wait_for(b, 1)) == 0);
    DS_SETUP(bundle_wait(w, now() + 2000) == 0);
    for(int i = 0; i < 2; i++) {
        errno = waited[i].err;
        cr_assert(waited[i].rc == 0, "FAIL: waiter %d of 2 returned %d (errno %s), "
            "expected 0 when the bundle's coroutine ended", i + 1, waited[i].rc,
            ds_errname(waited[i].err));
    }
    DS_SETUP(hclose(w) == 0 && hclose(b) == 0);
}

/* libdill#215: hclose of a bundle another coroutine waits on.  hclose
 * cancels the bundle's coroutines and returns when they exited; the waiter
 * returns at once, with EBADF: its handle is gone (ref/README reading 14),
 * and it must not touch the freed bundle. */
static struct ds_result closed_wait;

static coroutine void wait_forever(int b) {
    DS_RESULT(&closed_wait, bundle_wait(b, -1));
}

DS_TEST(bundle_wait, closed_by_another,
    "hclose of a bundle another coroutine waits on: hclose returns 0 after the bundle's coroutines exit; the waiter returns at once with EBADF (reading 14)") {
    int b = bundle(), canceled = 0;
    DS_SETUP(b >= 0);
    DS_SETUP(bundle_go(b, ds_sleeper(&canceled)) == 0);
    int cr = go(wait_forever(b));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    DS_EXPECT_RC(hclose(b), 0);
    cr_assert(canceled == 1, "FAIL: hclose returned before the bundle's coroutine "
        "was canceled");
    DS_SETUP(msleep(now() + 20) == 0);
    cr_assert(closed_wait.returned, "FAIL: the coroutine in bundle_wait on the "
        "closed bundle never returned");
    errno = closed_wait.err;
    DS_EXPECT_ERR(closed_wait.rc, EBADF, BUNDLE_WAIT_ERRS);
    DS_SETUP(hclose(cr) == 0);
}
