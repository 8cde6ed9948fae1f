/* Closing an object while other coroutines are blocked on it wakes them
 * with EBADF, and nothing touches the freed object (run under ASan). */
#include <libdill.h>

#include "smoke.h"

static int err[4];

static coroutine void in_brecv(int s, int *e) {
    char c;
    *e = brecv(s, &c, 1, -1) < 0 ? errno : 0;
}

static coroutine void in_accept(int ls, int *e) {
    *e = ipc_accept(ls, -1) < 0 ? errno : 0;
}

static coroutine void in_bsend(int s, int *e) {
    static char big[1 << 20];
    *e = bsend(s, big, sizeof(big), -1) < 0 ? errno : 0;
}

int main(void) {
    int s[2], t[2];
    CHECK(ipc_pair(s) == 0 && ipc_pair(t) == 0);
    int ls = ipc_listen(smoke_path("close.ipc"), 1);
    CHECK(ls >= 0);
    int b = bundle();
    CHECK(bundle_go(b, in_brecv(s[0], &err[0])) == 0);
    CHECK(bundle_go(b, in_accept(ls, &err[1])) == 0);
    CHECK(bundle_go(b, in_accept(ls, &err[2])) == 0);
    CHECK(bundle_go(b, in_bsend(t[0], &err[3])) == 0);
    CHECK(msleep(now() + 10) == 0);
    CHECK(hclose(s[0]) == 0 && hclose(ls) == 0 && hclose(t[0]) == 0);
    CHECK(bundle_wait(b, now() + 1000) == 0);
    for(int i = 0; i < 4; i++)
        CHECK(err[i] == EBADF);
    CHECK(hclose(b) == 0 && hclose(s[1]) == 0 && hclose(t[1]) == 0);
    smoke_cleanup();
    return 0;
}
