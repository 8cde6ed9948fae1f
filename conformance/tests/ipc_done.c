/* ipc_done(3). */
#include "support.h"

DS_TEST(ipc_done, peer_reads_data_then_EPIPE,
    "the peer receives all data sent before ipc_done, then gets EPIPE") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[0], "ABC", 3, now() + 1000) == 0);
    DS_EXPECT_RC(ipc_done(s[0], now() + 1000), 0);
    char buf[3];
    DS_EXPECT_RC(brecv(s[1], buf, 3, now() + 1000), 0);
    cr_assert(memcmp(buf, "ABC", 3) == 0, "FAIL: bytes changed");
    DS_EXPECT_ERR(brecv(s[1], buf, 1, now() + 1000), EPIPE,
        BRECV_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_done, inbound_still_works,
    "only the outbound half is closed: the closing side still receives") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(ipc_done(s[0], now() + 1000) == 0);
    DS_SETUP(bsend(s[1], "XYZ", 3, now() + 1000) == 0);
    char buf[3];
    DS_EXPECT_RC(brecv(s[0], buf, 3, now() + 1000), 0);
    cr_assert(memcmp(buf, "XYZ", 3) == 0, "FAIL: bytes changed");
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_done, EPIPE_twice,
    "ipc_done on a connection already half-closed: EPIPE") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(ipc_done(s[0], now() + 1000) == 0);
    DS_EXPECT_ERR(ipc_done(s[0], now() + 1000), EPIPE, DONE_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_done, EPIPE_bsend_after,
    "bsend after ipc_done: the connection is closed for sending, EPIPE") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(ipc_done(s[0], now() + 1000) == 0);
    DS_EXPECT_ERR(bsend(s[0], "A", 1, now() + 1000), EPIPE,
        BSEND_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_done, deadline_0_does_not_block,
    "deadline 0 on an idle connection: succeeds without blocking") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(ipc_done(s[0], 0), 0);
    DS_EXPECT_FAST(t0);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_done, EBADF_minus_one, "s = -1 is an invalid handle: EBADF") {
    DS_EXPECT_ERR(ipc_done(-1, 0), EBADF, DONE_ERRS);
}

DS_TEST(ipc_done, EBADF_out_of_range, "s = 2^30, never issued: EBADF") {
    DS_EXPECT_ERR(ipc_done(1 << 30, 0), EBADF, DONE_ERRS);
}

DS_TEST(ipc_done, EBADF_closed_handle, "a just-closed handle: EBADF") {
    DS_EXPECT_ERR(ipc_done(ds_closed_handle(), 0), EBADF, DONE_ERRS);
}

DS_TEST(ipc_done, ENOTSUP_listener, "a listener does not support ipc_done: ENOTSUP") {
    int ls = ipc_listen(ds_path("d.ipc"), 1);
    DS_SETUP(ls >= 0);
    DS_EXPECT_ERR(ipc_done(ls, 0), ENOTSUP, DONE_ERRS);
    DS_SETUP(hclose(ls) == 0);
}

DS_TEST(ipc_done, ENOTSUP_bundle, "a bundle does not support ipc_done: ENOTSUP") {
    int b = ds_bundle_handle();
    DS_EXPECT_ERR(ipc_done(b, 0), ENOTSUP, DONE_ERRS);
    DS_SETUP(hclose(b) == 0);
}

DS_TEST(ipc_done, ENOTSUP_coroutine, "a coroutine handle does not support ipc_done: ENOTSUP") {
    int h = ds_coroutine_handle();
    DS_EXPECT_ERR(ipc_done(h, 0), ENOTSUP, DONE_ERRS);
    DS_SETUP(hclose(h) == 0);
}

static int canceled_rc, canceled_errno;

static coroutine void done_after_cancel(int s) {
    msleep(-1);
    canceled_rc = ipc_done(s, now() + 1000);
    canceled_errno = errno;
}

DS_TEST(ipc_done, ECANCELED_after, "called in a coroutine already canceled: ECANCELED") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(done_after_cancel(s[0]));
    DS_SETUP(cr >= 0);
    DS_SETUP(hclose(cr) == 0);
    errno = canceled_errno;
    DS_EXPECT_ERR(canceled_rc, ECANCELED, DONE_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}
