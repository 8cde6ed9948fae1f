/* Descriptors passed with ipc_sendfd arrive at their place in the byte
 * stream, work on the other side, and none leaks. */
#include <dirent.h>
#include <libdill.h>

#include "smoke.h"

#define ROUNDS 200

static int open_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    CHECK(d != NULL);
    while(readdir(d))
        n++;
    closedir(d);
    return n;
}

static coroutine void sender(int s) {
    for(int i = 0; i < ROUNDS; i++) {
        int p[2];
        CHECK(pipe(p) == 0);
        CHECK(write(p[1], &i, sizeof(i)) == sizeof(i));
        CHECK(bsend(s, "<", 1, -1) == 0);
        CHECK(ipc_sendfd(s, p[0], -1) == 0);
        CHECK(bsend(s, ">", 1, -1) == 0);
        close(p[0]);    /* ours; the peer has its own copy */
        close(p[1]);
    }
    CHECK(ipc_done(s, -1) == 0);
}

static coroutine void poke(int s) {
    CHECK(yield() == 0);
    CHECK(bsend(s, "!", 1, -1) == 0);
}

int main(void) {
    int s[2];
    CHECK(ipc_pair(s) == 0);
    /* The first wait makes the scheduler's own epoll fd; count after it.
     * A wait with no deadline, ended by a coroutine, surely happens: one
     * with a short deadline may find it passed before it waits at all. */
    char c;
    int wake = go(poke(s[0]));
    CHECK(wake >= 0);
    CHECK(brecv(s[1], &c, 1, -1) == 0);
    CHECK(hclose(wake) == 0);
    CHECK(hclose(s[1]) == 0 && hclose(s[0]) == 0);
    int before = open_fds();
    CHECK(ipc_pair(s) == 0);
    int cr = go(sender(s[0]));
    CHECK(cr >= 0);
    for(int i = 0; i < ROUNDS; i++) {
        char c;
        CHECK(brecv(s[1], &c, 1, -1) == 0 && c == '<');
        int fd = ipc_recvfd(s[1], -1);
        CHECK(fd >= 0);
        int v;
        CHECK(read(fd, &v, sizeof(v)) == sizeof(v) && v == i);
        close(fd);
        CHECK(brecv(s[1], &c, 1, -1) == 0 && c == '>');
    }
    /* A plain byte where a descriptor belongs: EPROTO. */
    CHECK(bundle_wait(cr, -1) == 0);
    CHECK(ipc_recvfd(s[1], -1) == -1 && errno == EPIPE);
    CHECK(hclose(cr) == 0 && hclose(s[0]) == 0 && hclose(s[1]) == 0);
    CHECK(ipc_pair(s) == 0);
    CHECK(bsend(s[0], "x", 1, -1) == 0);
    CHECK(ipc_recvfd(s[1], -1) == -1 && errno == EPROTO);
    CHECK(hclose(s[0]) == 0 && hclose(s[1]) == 0);
    CHECK(open_fds() == before);
    printf("%d descriptors passed in order, none leaked\n", ROUNDS);
    return 0;
}
