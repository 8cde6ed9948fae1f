/* ipc_fromfd(3), ipc_fromfd_mem(3), ipc_listener_fromfd(3) and
 * ipc_listener_fromfd_mem(3). */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "alloc.h"
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

/* A fresh socket per call.  The pages do not say who owns the fd after a
 * failure: the check is that no new fd stays open (alloc.c); the test closes
 * the socket if the target left it open. */
struct fromfd_st {
    bool mem, listening;
    void *storage;
    int i, fd, peer;
    char path[256];
};

static void fromfd_setup(void *p) {
    struct fromfd_st *s = p;
    if(!s->listening) {
        int fds[2];
        DS_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        s->fd = fds[0];
        s->peer = fds[1];
        return;
    }
    char name[32];
    snprintf(name, sizeof(name), "f%d.ipc", s->i++);
    snprintf(s->path, sizeof(s->path), "%s", ds_path(name));
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    strcpy(sun.sun_path, s->path);
    s->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    DS_SETUP(s->fd >= 0);
    DS_SETUP(bind(s->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    DS_SETUP(listen(s->fd, 10) == 0);
    s->peer = -1;
}

static int fromfd_call(void *p) {
    struct fromfd_st *s = p;
    if(s->listening)
        return s->mem ? ipc_listener_fromfd_mem(s->fd, s->storage)
                      : ipc_listener_fromfd(s->fd);
    return s->mem ? ipc_fromfd_mem(s->fd, s->storage) : ipc_fromfd(s->fd);
}

static void fromfd_cleanup(struct fromfd_st *s) {
    if(s->peer >= 0)
        close(s->peer);
    if(s->listening)
        unlink(s->path);
}

static void fromfd_undo(void *p, int h) {
    DS_SETUP(hclose(h) == 0);
    fromfd_cleanup(p);
}

static void fromfd_failed(void *p) {
    struct fromfd_st *s = p;
    if(fd_is_open(s->fd))
        close(s->fd);
    fromfd_cleanup(s);
}

DS_TWIN(ipc_fromfd, ENOMEM_allocation_loop,
    "not enough memory: with its 1st, 2nd, ... allocation failing (libfiu), the call gives -1/ENOMEM each time, leaking no fd or memory, until it succeeds; also while the handle table grows") {
    struct fromfd_st s = {.mem = mem,
        .storage = mem ? ds_guarded(sizeof(struct ipc_storage)) : NULL};
    ds_alloc_loop(&(struct ds_alloc_case){FROMFD_ERRS, fromfd_setup,
        fromfd_call, fromfd_undo, fromfd_failed}, &s);
}

DS_TWIN(ipc_listener_fromfd, ENOMEM_allocation_loop,
    "not enough memory: with its 1st, 2nd, ... allocation failing (libfiu), the call gives -1/ENOMEM each time, leaking no fd or memory, until it succeeds; also while the handle table grows") {
    struct fromfd_st s = {.mem = mem, .listening = true,
        .storage = mem ? ds_guarded(sizeof(struct ipc_listener_storage)) : NULL};
    ds_alloc_loop(&(struct ds_alloc_case){FROMFD_ERRS, fromfd_setup,
        fromfd_call, fromfd_undo, fromfd_failed}, &s);
}
