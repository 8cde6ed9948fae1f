/* hclose(3). */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support.h"

DS_TEST(hclose, EBADF_minus_one, "h = -1 is an invalid handle: EBADF") {
    DS_EXPECT_ERR(hclose(-1), EBADF, HCLOSE_ERRS);
}

DS_TEST(hclose, EBADF_out_of_range, "h = 2^30, never issued: EBADF") {
    DS_EXPECT_ERR(hclose(1 << 30), EBADF, HCLOSE_ERRS);
}

DS_TEST(hclose, EBADF_closed_handle, "a handle closed once cannot be closed again: EBADF") {
    DS_EXPECT_ERR(hclose(ds_closed_handle()), EBADF, HCLOSE_ERRS);
}

DS_TEST(hclose, EBADF_stale_after_new_objects,
    "a closed handle stays invalid after new objects are created") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int old = s[0];
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
    DS_SETUP(ipc_pair(s) == 0);
    cr_assert(s[0] != old && s[1] != old,
        "FAIL: the just-closed handle %d was handed to a new object", old);
    DS_EXPECT_ERR(hclose(old), EBADF, HCLOSE_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(hclose, closes_connection_fd,
    "closing a connection deallocates its resources: the wrapped fd is closed") {
    int fds[2];
    DS_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    int s = ipc_fromfd(fds[0]);
    DS_SETUP(s >= 0);
    DS_EXPECT_RC(hclose(s), 0);
    cr_assert(fcntl(fds[0], F_GETFD) == -1, "FAIL: the fd is still open");
    close(fds[1]);
}

DS_TEST(hclose, does_not_block,
    "closing a connection with unsent data does not block (no flush promised)") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[0], ds_big, 1000, now() + 1000) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(hclose(s[0]), 0);
    DS_EXPECT_FAST(t0);
    DS_SETUP(hclose(s[1]) == 0);
}

DS_TEST(hclose, listener, "a listener handle closes: returns 0") {
    int ls = ipc_listen(ds_path("h.ipc"), 1);
    DS_SETUP(ls >= 0);
    DS_EXPECT_RC(hclose(ls), 0);
}

static int canceled;

static coroutine void wait_to_be_canceled(void) {
    if(msleep(-1) == -1 && errno == ECANCELED)
        canceled++;
}

DS_TEST(hclose, bundle_cancels_and_waits,
    "closing a bundle cancels its coroutines and returns after they exit") {
    int b = bundle();
    DS_SETUP(b >= 0);
    DS_SETUP(bundle_go(b, wait_to_be_canceled()) == 0);
    DS_SETUP(bundle_go(b, wait_to_be_canceled()) == 0);
    DS_SETUP(yield() == 0);
    DS_EXPECT_RC(hclose(b), 0);
    cr_assert(canceled == 2, "FAIL: %d of 2 coroutines saw ECANCELED before hclose returned",
        canceled);
}

DS_TEST(hclose, coroutine_handle, "closing a go() handle cancels the coroutine") {
    int h = go(wait_to_be_canceled());
    DS_SETUP(h >= 0);
    DS_EXPECT_RC(hclose(h), 0);
    cr_assert(canceled == 1, "FAIL: the coroutine was not canceled");
}
