/* What every IPC object does with its socket: make it, name it, close it. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "libdill.h"
#include "poller.h"

/* spine: ipc_connect/EINVAL ipc_connect/ENAMETOOLONG ipc_connect/ENOENT
 * ipc_connect_mem/EINVAL ipc_connect_mem/ENAMETOOLONG ipc_connect_mem/ENOENT
 * ipc_listen/EINVAL ipc_listen/ENAMETOOLONG ipc_listen/ENOENT
 * ipc_listen_mem/EINVAL ipc_listen_mem/ENAMETOOLONG ipc_listen_mem/ENOENT;
 * ref/README reading 10 */
int dill_ipc_addr(const char *addr, struct sockaddr_un *sa) {
    if(!addr) {
        errno = EINVAL;
        return -1;
    }
    if(addr[0] == '\0') {
        errno = ENOENT;     /* "... or the pathname is an empty string" */
        return -1;
    }
    size_t len = strlen(addr);
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
/* spine: ipc_connect/EMFILE ipc_connect/ENFILE ipc_connect/ENOMEM
 * ipc_connect_mem/EMFILE ipc_connect_mem/ENFILE ipc_connect_mem/ENOMEM
 * ipc_listen/EMFILE ipc_listen/ENFILE ipc_listen/ENOMEM
 * ipc_listen_mem/EMFILE ipc_listen_mem/ENFILE ipc_listen_mem/ENOMEM
 * ipc_connect/deadlines-recv ipc_connect/deadlines-send
 * ipc_connect_mem/deadlines-recv ipc_connect_mem/deadlines-send */
int dill_ipc_socket(void) {
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
