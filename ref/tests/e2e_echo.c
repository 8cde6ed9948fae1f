/* 100 coroutine clients talk to one echo server over ipc_listen/ipc_connect
 * at once, accepted by two coroutines sharing the listener; every byte must
 * come back unchanged. */
#include <libdill.h>

#include "smoke.h"

#define CLIENTS 100
#define ROUNDS 20

static const char *addr;
static int clients_ok;

static coroutine void echo_one(int s) {
    char buf[256];
    for(;;) {
        uint8_t len;
        if(brecv(s, &len, 1, -1) < 0)
            break;                      /* EPIPE: the client is done */
        CHECK(brecv(s, buf, len, -1) == 0);
        CHECK(bsend(s, &len, 1, -1) == 0 && bsend(s, buf, len, -1) == 0);
    }
    CHECK(errno == EPIPE);
    CHECK(ipc_close(s, -1) == 0);
}

static coroutine void acceptor(int ls, int handlers) {
    for(int i = 0; i < CLIENTS / 2; i++) {
        int s = ipc_accept(ls, -1);
        CHECK(s >= 0);
        CHECK(bundle_go(handlers, echo_one(s)) == 0);
    }
}

static coroutine void client(int id) {
    int s = ipc_connect(addr, -1);
    CHECK(s >= 0);
    char out[256], in[256];
    for(int r = 0; r < ROUNDS; r++) {
        uint8_t len = (uint8_t)((id * 31 + r * 7) % 255 + 1);
        for(int i = 0; i < len; i++)
            out[i] = (char)(id ^ r ^ i);
        CHECK(bsend(s, &len, 1, -1) == 0 && bsend(s, out, len, -1) == 0);
        uint8_t back;
        CHECK(brecv(s, &back, 1, -1) == 0 && back == len);
        CHECK(brecv(s, in, len, -1) == 0);
        CHECK(memcmp(in, out, len) == 0);
        yield();
    }
    CHECK(ipc_close(s, -1) == 0);
    clients_ok++;
}

int main(void) {
    addr = smoke_path("echo.ipc");
    int ls = ipc_listen(addr, CLIENTS);
    CHECK(ls >= 0);
    int handlers = bundle();
    CHECK(handlers >= 0);
    int srv = bundle();
    CHECK(srv >= 0);
    CHECK(bundle_go(srv, acceptor(ls, handlers)) == 0);
    CHECK(bundle_go(srv, acceptor(ls, handlers)) == 0);
    int clients = bundle();
    for(int i = 0; i < CLIENTS; i++)
        CHECK(bundle_go(clients, client(i)) == 0);
    CHECK(bundle_wait(clients, now() + 30000) == 0);
    CHECK(clients_ok == CLIENTS);
    CHECK(bundle_wait(srv, now() + 30000) == 0);
    CHECK(bundle_wait(handlers, now() + 30000) == 0);
    CHECK(hclose(clients) == 0 && hclose(handlers) == 0 && hclose(srv) == 0);
    CHECK(hclose(ls) == 0);
    smoke_cleanup();
    printf("%d clients x %d rounds echoed\n", CLIENTS, ROUNDS);
    return 0;
}
