/* What every IPC object does with its socket: make it, name it, close it. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "libdill.h"
#include "poller.h"

int dill_ipc_addr(const char *addr, struct sockaddr_un *sa) {
    /* reading 10: */
    /* spine: ipc_connect/EINVAL/null-address */
    /* spine: ipc_connect_mem/EINVAL/null-address */
    /* spine: ipc_listen/EINVAL/null-address */
    /* spine: ipc_listen_mem/EINVAL/null-address */
    if(!addr) {
        errno = EINVAL;
        return -1;
    }
    /* spine: ipc_connect/ENOENT/empty-path */
    /* spine: ipc_connect_mem/ENOENT/empty-path */
    /* spine: ipc_listen/ENOENT/empty-path */
    /* spine: ipc_listen_mem/ENOENT/empty-path */
    if(addr[0] == '\0') {
        errno = ENOENT;     /* "... or the pathname is an empty string" */
        return -1;
    }
    size_t len = strlen(addr);
    /* spine: ipc_connect/ENAMETOOLONG/path */
    /* spine: ipc_connect_mem/ENAMETOOLONG/path */
    /* spine: ipc_listen/ENAMETOOLONG/path */
    /* spine: ipc_listen_mem/ENAMETOOLONG/path */
    if(len >= sizeof(sa->sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, addr, len + 1);
    return 0;
}

/* A new socket, non-blocking: a connection's calls wait in the poller, as
 * their deadlines say, never in the kernel. */
int dill_ipc_socket(void) {
    /* the kernel's EMFILE, ENFILE, ENOMEM; non-blocking (deadlines): */
    /* spine: ipc_connect/EMFILE/rlimit */
    /* spine: ipc_connect/ENFILE/injected */
    /* spine: ipc_connect/ENOMEM/injected */
    /* spine: ipc_connect/deadlines-recv */
    /* spine: ipc_connect/deadlines-send */
    /* spine: ipc_connect_mem/EMFILE/rlimit */
    /* spine: ipc_connect_mem/ENFILE/injected */
    /* spine: ipc_connect_mem/ENOMEM/injected */
    /* spine: ipc_connect_mem/deadlines-recv */
    /* spine: ipc_connect_mem/deadlines-send */
    /* spine: ipc_listen/EMFILE/rlimit */
    /* spine: ipc_listen/ENFILE/injected */
    /* spine: ipc_listen/ENOMEM/injected */
    /* spine: ipc_listen_mem/EMFILE/rlimit */
    /* spine: ipc_listen_mem/ENFILE/injected */
    /* spine: ipc_listen_mem/ENOMEM/injected */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if(fd < 0) {
        if(errno == ENOBUFS)
            errno = ENOMEM;
        return -1;
    }
    if(dill_fd_track(fd) < 0) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    return fd;
}

void dill_ipc_fd_close(int fd) {
    dill_fdclean(fd);
    close(fd);
}

int dill_ipc_fd_close_unless(int h, int fd) {
    if(h < 0) {
        int err = errno;
        dill_ipc_fd_close(fd);
        errno = err;
    }
    return h;
}
