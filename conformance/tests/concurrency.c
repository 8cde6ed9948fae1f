/* Two or more coroutines on one socket or one scheduler: cancellation that
 * meets an event, closing a handle another coroutine waits on, and timers
 * that must fire while others keep the scheduler busy.  The ids belong to the
 * pages whose promise each test checks. */
#include "bytestream.h"
#include "core.h"

static int waiter_rc, waiter_errno;
static bool waiter_returned;

static coroutine void wait_on(int s, bool sending) {
    char c;
    waiter_rc = sending ? bsend(s, ds_big, DS_BIG, -1) : brecv(s, &c, 1, -1);
    waiter_errno = errno;
    waiter_returned = true;
}

/* ipc_close(3), libdill's own tests/ipc.c: a coroutine waits in ipc_close
 * for the peer's end of stream; the parent ends it (the event) and closes
 * the coroutine's handle in the same step, before it ran again: the
 * waiting call is canceled. */
static coroutine void close_and_wait(int s) {
    waiter_rc = ipc_close(s, -1);
    waiter_errno = errno;
}

DS_TEST(ipc_close, ECANCELED_same_step_as_event,
    "canceled in the scheduling step its peer's shutdown arrived, before it ran again: ECANCELED") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(close_and_wait(s[1]));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    DS_SETUP(ipc_done(s[0], now() + 1000) == 0);
    DS_SETUP(hclose(cr) == 0);
    errno = waiter_errno;
    DS_EXPECT_ERR(waiter_rc, ECANCELED, CLOSE_ERRS);
    DS_SETUP(hclose(s[0]) == 0);
}

DS_TEST(brecv, ECANCELED_same_step_as_event,
    "canceled in the scheduling step its bytes arrived, before it ran again: ECANCELED") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int cr = go(wait_on(s[1], false));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    DS_SETUP(bsend(s[0], "x", 1, now() + 1000) == 0);
    DS_SETUP(hclose(cr) == 0);
    errno = waiter_errno;
    DS_EXPECT_ERR(waiter_rc, ECANCELED, BYTESTREAM_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* The peer acknowledges an ipc_close: it reads until our end of stream,
 * then ends its own. */
static coroutine void acknowledge(int s) {
    static char buf[4096];
    while(brecv(s, buf, sizeof(buf), now() + 2000) == 0)
        ;
    ipc_done(s, now() + 2000);
}

/* hclose(3) "deallocates all associated resources", ipc_close(3) also
 * "closes the socket", while another coroutine waits on it: no abort, the
 * waiter wakes failing with EBADF, its handle gone (ref/README, reading 14);
 * no fd leaks (ds_hygiene). */
static void close_under_waiter(bool sending, bool handshake) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    waiter_returned = false;
    int cr = go(wait_on(s[0], sending));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    if(handshake) {
        int ack = go(acknowledge(s[1]));
        DS_SETUP(ack >= 0);
        DS_EXPECT_RC(ipc_close(s[0], now() + 2000), 0);
        DS_SETUP(bundle_wait(ack, now() + 2000) == 0 && hclose(ack) == 0);
    } else {
        DS_EXPECT_RC(hclose(s[0]), 0);
    }
    DS_SETUP(msleep(now() + 20) == 0);
    cr_assert(waiter_returned, "FAIL: the coroutine waiting on the closed socket never returned");
    errno = waiter_errno;
    DS_EXPECT_ERR(waiter_rc, EBADF, BYTESTREAM_ERRS);
    DS_SETUP(hclose(cr) == 0 && hclose(s[1]) == 0);
}

DS_TEST(hclose, while_another_receives,
    "closing a socket another coroutine is receiving on: 0, the waiter fails with EBADF (reading 14), nothing leaks") {
    close_under_waiter(false, false);
}

DS_TEST(hclose, while_another_sends,
    "closing a socket another coroutine is sending on: 0, the waiter fails with EBADF (reading 14), nothing leaks") {
    close_under_waiter(true, false);
}

DS_TEST(ipc_close, while_another_receives,
    "ipc_close of a socket another coroutine is receiving on: the handshake succeeds, the waiter fails with EBADF (reading 14)") {
    close_under_waiter(false, true);
}

DS_TEST(ipc_close, while_another_sends,
    "ipc_close of a socket another coroutine is sending on: the handshake succeeds, the waiter fails with EBADF (reading 14)") {
    close_under_waiter(true, true);
}

/* Timers while others keep the scheduler busy.  The deadline must expire
 * within DS_LATE_MS (250 ms) of its time: enough for a loaded machine and a
 * coarse now(); a scheduler that looks at its timers only once a second
 * while coroutines are ready is four times beyond it.  The busy coroutines
 * stop by themselves after 3 s, so a scheduler that never fires the timer
 * shows as "late", not as a hung test. */
static bool stop_busy;

static void timed_receive_while_busy(bool transfers) {
    int s[2], t[2], cr[2];
    DS_SETUP(ipc_pair(s) == 0 && ipc_pair(t) == 0);
    stop_busy = false;
    if(transfers) {
        cr[0] = go(ds_busy_bounce(t[0], true, &stop_busy));
        cr[1] = go(ds_busy_bounce(t[1], false, &stop_busy));
    } else {
        cr[0] = go(ds_busy_yield(&stop_busy));
        cr[1] = go(ds_busy_yield(&stop_busy));
    }
    DS_SETUP(cr[0] >= 0 && cr[1] >= 0);
    char c;
    int64_t t0 = ds_ms(), dl = now() + 100;
    DS_EXPECT_ERR(brecv(s[0], &c, 1, dl), ETIMEDOUT, BYTESTREAM_ERRS);
    int64_t el = ds_ms() - t0, early = dl - now();
    stop_busy = true;
    DS_SETUP(bundle_wait(cr[0], now() + 5000) == 0 && bundle_wait(cr[1], now() + 5000) == 0);
    DS_SETUP(hclose(cr[0]) == 0 && hclose(cr[1]) == 0);
    cr_assert(early <= 0, "FAIL: deadline of 100 ms expired after %lld ms (early): "
        "now() was %lld ms short of it", (long long)el, (long long)early);
    cr_assert(el <= 100 + DS_LATE_MS, "FAIL: deadline of 100 ms expired after %lld ms (late) "
        "while other coroutines %s", (long long)el, transfers ? "transferred" : "yielded");
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
    DS_SETUP(hclose(t[0]) == 0 && hclose(t[1]) == 0);
}

DS_TEST(brecv, ETIMEDOUT_while_others_yield,
    "a timed deadline expires on time while two other coroutines loop on yield()") {
    timed_receive_while_busy(false);
}

DS_TEST(brecv, ETIMEDOUT_while_others_transfer,
    "a timed deadline expires on time while two other coroutines keep a connection busy") {
    timed_receive_while_busy(true);
}
