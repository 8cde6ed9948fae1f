/* The EXAMPLEs of ipc_listen(3), ipc_listen_mem(3), ipc_accept(3),
 * ipc_accept_mem(3), ipc_close(3) and ipc_done(3) (the server side, one
 * text on all six pages) and of ipc_connect(3) and ipc_connect_mem(3) (the
 * client side), run against each other.  Changes to the page text: a
 * private path instead of "/tmp/test.ipc", the client in a coroutine, the
 * SYNOPSIS's deadline added to ipc_close, and checks on the results. */
#include <libdill.h>

#include "../smoke.h"

static const char *addr;

static coroutine void client(void) {
    int s = ipc_connect(addr, -1);
    CHECK(s >= 0);
    CHECK(bsend(s, "ABC", 3, -1) == 0);
    char buf[3];
    CHECK(brecv(s, buf, sizeof(buf), -1) == 0);
    CHECK(memcmp(buf, "abc", 3) == 0);
    CHECK(ipc_close(s, -1) == 0);
}

int main(void) {
    addr = smoke_path("test.ipc");
    int ls = ipc_listen(addr, 10);
    CHECK(ls >= 0);
    int cl = go(client());
    CHECK(cl >= 0);
    int s = ipc_accept(ls, -1);
    CHECK(s >= 0);
    char buf[3];
    CHECK(brecv(s, buf, sizeof(buf), -1) == 0);
    CHECK(memcmp(buf, "ABC", 3) == 0);
    CHECK(bsend(s, "abc", 3, -1) == 0);
    CHECK(ipc_close(s, -1) == 0);
    CHECK(ipc_close(ls, -1) == 0);
    CHECK(bundle_wait(cl, -1) == 0);
    CHECK(hclose(cl) == 0);
    smoke_cleanup();
    return 0;
}
