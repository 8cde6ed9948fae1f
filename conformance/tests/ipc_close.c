/* ipc_close(3). */
#include "support.h"

static coroutine void peer_closes(int s) {
    char c;
    while(brecv(s, &c, 1, now() + 2000) == 0)
        ;
    ipc_close(s, now() + 2000);
}

DS_TEST(ipc_close, handshake_succeeds,
    "the peer acknowledges the shutdown (it closes too): returns 0") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(peer_closes(s[1]));
    DS_SETUP(cr >= 0);
    DS_SETUP(bsend(s[0], "ABC", 3, now() + 1000) == 0);
    DS_EXPECT_RC(ipc_close(s[0], now() + 2000), 0);
    DS_SETUP(bundle_wait(cr, now() + 2000) == 0 && hclose(cr) == 0);
}

DS_TEST(ipc_close, ETIMEDOUT_timed,
    "the peer never acknowledges: ETIMEDOUT at the deadline, neither early nor much late") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int64_t t0 = ds_ms(), dl = now() + 100;
    DS_EXPECT_ERR(ipc_close(s[0], dl), ETIMEDOUT, CLOSE_ERRS);
    DS_EXPECT_EXPIRY(t0, dl, 100);
    DS_SETUP(hclose(s[1]) == 0);
}

DS_TEST(ipc_close, ETIMEDOUT_deadline_0,
    "deadline 0 and no acknowledgement yet: ETIMEDOUT without blocking") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(ipc_close(s[0], 0), ETIMEDOUT, CLOSE_ERRS);
    DS_EXPECT_FAST(t0);
    DS_SETUP(hclose(s[1]) == 0);
}

DS_TEST(ipc_close, closed_even_on_error,
    "the socket is closed even when the handshake fails: the handle is then invalid") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(ipc_close(s[0], 0) == -1);
    DS_EXPECT_ERR(hclose(s[0]), EBADF, HCLOSE_ERRS);
    DS_SETUP(hclose(s[1]) == 0);
}

DS_TEST(ipc_close, ECONNRESET_peer_gone,
    "the peer closed without the handshake while our data was unread: ECONNRESET") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[1], "ABC", 3, now() + 1000) == 0);
    DS_SETUP(bsend(s[0], "ABC", 3, now() + 1000) == 0);
    DS_SETUP(hclose(s[1]) == 0);
    DS_EXPECT_ERR(ipc_close(s[0], now() + 1000), ECONNRESET, CLOSE_ERRS);
}

DS_TEST(ipc_close, listener_equals_hclose,
    "on a listener it is equivalent to hclose: returns 0, the handle is gone") {
    int ls = ipc_listen(ds_path("x.ipc"), 1);
    DS_SETUP(ls >= 0);
    DS_EXPECT_RC(ipc_close(ls, 0), 0);
    DS_EXPECT_ERR(hclose(ls), EBADF, HCLOSE_ERRS);
}

DS_TEST(ipc_close, EBADF_minus_one, "s = -1 is an invalid handle: EBADF") {
    DS_EXPECT_ERR(ipc_close(-1, 0), EBADF, CLOSE_ERRS);
}

DS_TEST(ipc_close, EBADF_out_of_range, "s = 2^30, never issued: EBADF") {
    DS_EXPECT_ERR(ipc_close(1 << 30, 0), EBADF, CLOSE_ERRS);
}

DS_TEST(ipc_close, EBADF_closed_handle, "a just-closed handle: EBADF") {
    DS_EXPECT_ERR(ipc_close(ds_closed_handle(), 0), EBADF, CLOSE_ERRS);
}

DS_TEST(ipc_close, ENOTSUP_bundle, "a bundle does not support ipc_close: ENOTSUP") {
    int b = ds_bundle_handle();
    DS_EXPECT_ERR(ipc_close(b, 0), ENOTSUP, CLOSE_ERRS);
    DS_SETUP(hclose(b) == 0);
}

DS_TEST(ipc_close, ENOTSUP_coroutine, "a coroutine handle does not support ipc_close: ENOTSUP") {
    int h = ds_coroutine_handle();
    DS_EXPECT_ERR(ipc_close(h, 0), ENOTSUP, CLOSE_ERRS);
    DS_SETUP(hclose(h) == 0);
}

static int canceled_rc, canceled_errno;

static coroutine void close_in_coroutine(int s, bool wait_first) {
    if(wait_first)
        msleep(-1);
    canceled_rc = ipc_close(s, -1);
    canceled_errno = errno;
}

DS_TEST(ipc_close, ECANCELED_blocked,
    "blocked in the handshake when its coroutine is closed: ECANCELED") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(close_in_coroutine(s[0], false));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    DS_SETUP(hclose(cr) == 0);
    errno = canceled_errno;
    DS_EXPECT_ERR(canceled_rc, ECANCELED, CLOSE_ERRS);
    DS_SETUP(hclose(s[1]) == 0);
}

DS_TEST(ipc_close, ECANCELED_after,
    "called in a coroutine already canceled: ECANCELED") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(close_in_coroutine(s[0], true));
    DS_SETUP(cr >= 0);
    DS_SETUP(hclose(cr) == 0);
    errno = canceled_errno;
    DS_EXPECT_ERR(canceled_rc, ECANCELED, CLOSE_ERRS);
    DS_SETUP(hclose(s[1]) == 0);
}
