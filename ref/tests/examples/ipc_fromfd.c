/* The EXAMPLEs of ipc_listener_fromfd(3) and ipc_fromfd(3) (and their _mem
 * pages): raw sockets made with socket/bind/listen/connect, then wrapped.
 * Changes: the page's `addr` is a real sockaddr_un, passed with its size;
 * checks on the results. */
#include <libdill.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "../smoke.h"

int main(void) {
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    strcpy(sun.sun_path, smoke_path("test.ipc"));
    struct sockaddr *addr = (struct sockaddr *)&sun;

    /* ipc_listener_fromfd(3) */
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(lfd, addr, sizeof(sun)) == 0);
    CHECK(listen(lfd, 10) == 0);
    int ls = ipc_listener_fromfd(lfd);
    CHECK(ls >= 0);

    /* ipc_fromfd(3), in its _mem form */
    struct ipc_storage mem;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(fd, addr, sizeof(sun)) == 0);
    int s = ipc_fromfd_mem(fd, &mem);
    CHECK(s >= 0);
    CHECK(bsend(s, "ABC", 3, -1) == 0);

    int a = ipc_accept(ls, -1);
    CHECK(a >= 0);
    char buf[3];
    CHECK(brecv(a, buf, sizeof(buf), -1) == 0);
    CHECK(memcmp(buf, "ABC", 3) == 0);
    CHECK(ipc_done(a, -1) == 0);
    CHECK(ipc_close(s, -1) == 0);   /* "will also close the underlying fd" */
    CHECK(ipc_close(a, -1) == 0);
    CHECK(ipc_close(ls, -1) == 0);
    errno = 0;
    CHECK(close(fd) == -1 && errno == EBADF);
    errno = 0;
    CHECK(close(lfd) == -1 && errno == EBADF);
    smoke_cleanup();
    return 0;
}
