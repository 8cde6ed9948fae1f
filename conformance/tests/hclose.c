/* hclose(3). */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bytestream.h"
#include "core.h"

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

/* libdill#236: closing a listener while another coroutine is blocked in
 * ipc_accept on it left the fd's poller entry behind (or, on later
 * releases, tripped an assertion in the close path); a new socket given
 * the same fd number then hung or hit an assertion.  hclose(3): "the
 * object is deallocated immediately, without blocking", the waiter fails
 * with EBADF (ref/README reading 14), and new sockets work. */
static struct ds_result accepted;

static coroutine void accept_forever(int ls) {
    DS_RESULT(&accepted, ipc_accept(ls, -1));
}

DS_TEST(hclose, listener_while_another_accepts,
    "closing a listener another coroutine accepts on: 0 at once, the waiter fails with EBADF (reading 14), and a new listener (likely the same fd number) accepts a client") {
    int ls = ipc_listen(ds_path("l.ipc"), 10);
    DS_SETUP(ls >= 0);
    int cr = go(accept_forever(ls));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(hclose(ls), 0);
    DS_EXPECT_FAST(t0);
    DS_SETUP(msleep(now() + 20) == 0);
    cr_assert(accepted.returned, "FAIL: the coroutine in ipc_accept on the closed "
        "listener never returned");
    errno = accepted.err;
    DS_EXPECT_ERR(accepted.rc, EBADF, ACCEPT_ERRS);
    DS_SETUP(hclose(cr) == 0);
    unlink(ds_path("l.ipc"));
    int cli, srv;
    int ls2 = ds_listener_with_client("l.ipc", &cli, &srv);
    ds_expect_usable(cli, srv);
    DS_SETUP(hclose(srv) == 0 && hclose(cli) == 0 && hclose(ls2) == 0);
}

/* libdill#129: "epoll can fire events to wrong descriptor": a socket
 * closed while the poller watched it, and a new one with the same fd
 * number.  The new connection must neither see the old one's events nor
 * miss its own: a timed receive times out on time, and a byte sent ends a
 * receive waiting for it. */
static void expect_fresh_connection(int s[2]) {
    char c;
    ds_expect_usable(s[0], s[1]);
    int cr = go(ds_peer_acts_later(s[1], false));
    DS_SETUP(cr >= 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(brecv(s[0], &c, 1, now() + 1000), 0);
    cr_assert(ds_ms() - t0 <= 100 + DS_LATE_MS, "FAIL: the new connection's byte "
        "was seen %lld ms late", (long long)(ds_ms() - t0 - 100));
    DS_SETUP(hclose(cr) == 0);
    /* Last: a timeout leaves the direction unusable (brecv(3)). */
    t0 = ds_ms();
    int64_t dl = now() + 100;
    DS_EXPECT_ERR(brecv(s[0], &c, 1, dl), ETIMEDOUT, BRECV_ERRS);
    DS_EXPECT_EXPIRY(t0, dl, 100);
}

static coroutine void receive_forever(int s) {
    char c;
    brecv(s, &c, 1, -1);
}

static void close_watched_then_reuse(bool under_waiter) {
    int s[2];
    char c;
    DS_SETUP(ipc_pair(s) == 0);
    int cr = -1;
    if(under_waiter) {
        cr = go(receive_forever(s[0]));
        DS_SETUP(cr >= 0);
        DS_SETUP(msleep(now() + 20) == 0);
    } else {
        DS_SETUP(brecv(s[0], &c, 1, now() + 20) == -1 && errno == ETIMEDOUT);
    }
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
    if(cr >= 0)
        DS_SETUP(hclose(cr) == 0);
    /* The lowest free fds: the numbers the closed pair had. */
    DS_SETUP(ipc_pair(s) == 0);
    expect_fresh_connection(s);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(hclose, fd_number_reused,
    "a connection closed after the poller watched it: a new connection (the same fd numbers) times out on time and sees its own bytes") {
    close_watched_then_reuse(false);
}

DS_TEST(hclose, fd_number_reused_after_waiter,
    "a connection closed while another coroutine received on it: a new connection (the same fd numbers) times out on time and sees its own bytes") {
    close_watched_then_reuse(true);
}
