/* Cancellation and closing win over a wake-up the coroutine has not run yet
 * (ref/README readings 14 and 17).  Between the two ends of an ipc_pair a
 * send makes the receiver runnable at once; if its bundle or its socket is
 * closed before it runs, its call fails with ECANCELED or EBADF rather than
 * completing, and touches nothing freed (run under ASan). */
#include <libdill.h>

#include "smoke.h"

static int result;

static coroutine void receiver(int s) {
    char c;
    result = brecv(s, &c, 1, -1) < 0 ? errno : 0;
}

/* A pair whose s[1] a coroutine (the returned handle) waits on in brecv. */
static int pair_with_receiver(int s[2]) {
    CHECK(ipc_pair(s) == 0);
    result = -1;
    int cr = go(receiver(s[1]));
    CHECK(cr >= 0);
    return cr;
}

/* A peer's ipc_done, then its close, in 10 ms. */
static coroutine void late_closer(int s) {
    CHECK(msleep(now() + 10) == 0);
    CHECK(ipc_done(s, -1) == 0);
    CHECK(hclose(s) == 0);
}

/* Woken by the byte, canceled before it ran: ECANCELED (go(3): "all the
 * blocking calls within the coroutine will start failing with ECANCELED"),
 * as libdill's own tests/ipc.c expects of ipc_close. */
static void cancel_after_wakeup(void) {
    int s[2];
    int cr = pair_with_receiver(s);
    CHECK(bsend(s[0], "x", 1, -1) == 0);
    CHECK(hclose(cr) == 0);
    CHECK(result == ECANCELED);
    CHECK(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* Woken by the byte, its socket closed before it ran: EBADF, and no use of
 * the freed connection. */
static void close_after_wakeup(void) {
    int s[2];
    int cr = pair_with_receiver(s);
    CHECK(bsend(s[0], "x", 1, -1) == 0);
    CHECK(hclose(s[1]) == 0);
    CHECK(bundle_wait(cr, now() + 1000) == 0);
    CHECK(result == EBADF);
    CHECK(hclose(cr) == 0 && hclose(s[0]) == 0);
}

/* ipc_close of a socket another coroutine is receiving on: not EBUSY (its
 * page lists no such error); the receiver fails with EBADF and the
 * handshake completes once the peer ends its stream. */
static void ipc_close_under_receiver(void) {
    int s[2];
    int cr = pair_with_receiver(s);
    int closer = go(late_closer(s[0]));
    CHECK(closer >= 0);
    CHECK(ipc_close(s[1], now() + 1000) == 0);
    CHECK(bundle_wait(cr, now() + 1000) == 0);
    CHECK(result == EBADF);
    CHECK(bundle_wait(closer, now() + 1000) == 0);
    CHECK(hclose(cr) == 0 && hclose(closer) == 0);
}

int main(void) {
    cancel_after_wakeup();
    close_after_wakeup();
    ipc_close_under_receiver();
    return 0;
}
