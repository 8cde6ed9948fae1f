/* Closing a coroutine's bundle cancels whatever it is blocked in, and
 * every later blocking call in it fails with ECANCELED too. */
#include <libdill.h>

#include "smoke.h"

static int canceled;

static coroutine void blocked_in_brecv(int s) {
    char c;
    CHECK(brecv(s, &c, 1, -1) == -1 && errno == ECANCELED);
    CHECK(msleep(now() + 1000) == -1 && errno == ECANCELED);
    CHECK(yield() == -1 && errno == ECANCELED);
    canceled++;
}

static coroutine void blocked_in_accept(int ls) {
    CHECK(ipc_accept(ls, -1) == -1 && errno == ECANCELED);
    canceled++;
}

static coroutine void blocked_in_msleep(void) {
    CHECK(msleep(-1) == -1 && errno == ECANCELED);
    canceled++;
}

int main(void) {
    int s[2];
    CHECK(ipc_pair(s) == 0);
    int ls = ipc_listen(smoke_path("cancel.ipc"), 1);
    CHECK(ls >= 0);
    int b = bundle();
    CHECK(bundle_go(b, blocked_in_brecv(s[0])) == 0);
    CHECK(bundle_go(b, blocked_in_accept(ls)) == 0);
    CHECK(bundle_go(b, blocked_in_msleep()) == 0);
    CHECK(msleep(now() + 20) == 0);
    CHECK(bundle_wait(b, 0) == -1 && errno == ETIMEDOUT);
    int64_t t0 = now();
    CHECK(hclose(b) == 0);
    CHECK(canceled == 3);
    CHECK(now() - t0 < 500);
    CHECK(hclose(s[0]) == 0 && hclose(s[1]) == 0 && hclose(ls) == 0);
    smoke_cleanup();
    return 0;
}
