/* ipc_fromfd(3), ipc_fromfd_mem(3), ipc_listener_fromfd(3) and
 * ipc_listener_fromfd_mem(3). */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "support.h"

static bool fd_is_open(int fd) {
    return fcntl(fd, F_GETFD) != -1;
}

DS_TWIN(ipc_fromfd, success_wraps_connected_socket,
    "wraps a connected UNIX socket into a connection handle that carries bytes") {
    int fds[2];
    DS_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    int s = ds_fromfd(mem, fds[0]);
    DS_EXPECT_HANDLE(s);
    DS_EXPECT_RC(bsend(s, "ABC", 3, now() + 1000), 0);
    char buf[3];
    DS_SETUP(read(fds[1], buf, 3) == 3);
    cr_assert(memcmp(buf, "ABC", 3) == 0, "FAIL: bytes changed");
    DS_SETUP(hclose(s) == 0);
    close(fds[1]);
}

DS_TWIN(ipc_fromfd, ipc_close_closes_fd,
    "ipc_close also closes the underlying file descriptor") {
    int fds[2];
    DS_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    int s = ds_fromfd(mem, fds[0]);
    DS_SETUP(s >= 0);
    DS_SETUP(shutdown(fds[1], SHUT_WR) == 0);
    DS_EXPECT_RC(ipc_close(s, now() + 1000), 0);
    cr_assert(!fd_is_open(fds[0]), "FAIL: the wrapped fd is still open after ipc_close");
    close(fds[1]);
}

DS_TWIN(ipc_fromfd, hclose_closes_fd,
    "closing the handle closes the fd it owns (no way to unwrap it)") {
    int fds[2];
    DS_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    int s = ds_fromfd(mem, fds[0]);
    DS_SETUP(s >= 0);
    DS_EXPECT_RC(hclose(s), 0);
    cr_assert(!fd_is_open(fds[0]), "FAIL: the wrapped fd is still open after hclose");
    close(fds[1]);
}

static int raw_listener(void) {
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    strcpy(sun.sun_path, ds_path("f.ipc"));
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    DS_SETUP(fd >= 0);
    DS_SETUP(bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    DS_SETUP(listen(fd, 10) == 0);
    return fd;
}

DS_TWIN(ipc_listener_fromfd, success_accepts,
    "wraps a listening UNIX socket; ipc_accept accepts its connections") {
    int fd = raw_listener();
    int ls = ds_listener_fromfd(mem, fd);
    DS_EXPECT_HANDLE(ls);
    int c = ipc_connect(ds_path("f.ipc"), now() + 1000);
    DS_SETUP(c >= 0);
    int s = ipc_accept(ls, now() + 1000);
    DS_EXPECT_HANDLE(s);
    DS_SETUP(hclose(s) == 0 && hclose(c) == 0 && hclose(ls) == 0);
}

DS_TWIN(ipc_listener_fromfd, ipc_close_closes_fd,
    "ipc_close also closes the underlying file descriptor") {
    int fd = raw_listener();
    int ls = ds_listener_fromfd(mem, fd);
    DS_SETUP(ls >= 0);
    DS_EXPECT_RC(ipc_close(ls, now() + 1000), 0);
    cr_assert(!fd_is_open(fd), "FAIL: the wrapped fd is still open after ipc_close");
}
