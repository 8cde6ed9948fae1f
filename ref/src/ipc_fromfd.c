/* Objects around sockets made elsewhere: ipc_fromfd(3),
 * ipc_listener_fromfd(3) and their _mem variants. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "ipc.h"
#include "libdill.h"

static int dill_sockopt(int fd, int opt) {
    int val = -1;
    socklen_t len = sizeof(val);
    if(getsockopt(fd, SOL_SOCKET, opt, &val, &len) < 0)
        return -1;
    return val;
}

/* The pages promise these work on "a connected/listening UNIX domain
 * socket"; anything else is refused with EBADF (not an open fd) or EINVAL
 * rather than misbehaving later.  The fd becomes non-blocking: every wait in
 * ref relies on it (ref/README reading 7). */
static int dill_ipc_adopt_fd(int fd, bool listening) {
    int flags = fd < 0 ? -1 : fcntl(fd, F_GETFL);
    if(flags < 0) {
        errno = EBADF;
        return -1;
    }
    if(dill_sockopt(fd, SO_DOMAIN) != AF_UNIX ||
       dill_sockopt(fd, SO_TYPE) != SOCK_STREAM ||
       dill_sockopt(fd, SO_ACCEPTCONN) != (listening ? 1 : 0)) {
        errno = EINVAL;
        return -1;
    }
    /* spine: ipc_fromfd/deadlines-recv */
    /* spine: ipc_fromfd/deadlines-send */
    /* spine: ipc_fromfd_mem/deadlines-recv */
    /* spine: ipc_fromfd_mem/deadlines-send */
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* On success the handle owns the fd: "ipc_close function ... will also close
 * the underlying file descriptor".  On failure the fd stays the caller's. */
/* spine: ipc_fromfd/EMFILE/wrapping */
/* spine: ipc_fromfd/ENFILE/wrapping */
/* spine: ipc_fromfd/success-wraps-connected-socket */
int dill_ipc_fromfd(int fd) {
    if(dill_ipc_adopt_fd(fd, false) < 0)
        return -1;
    return dill_ipc_conn_make(fd, NULL);
}

/* spine: ipc_fromfd_mem/EINVAL/null-storage */
/* spine: ipc_fromfd_mem/EMFILE/wrapping */
/* spine: ipc_fromfd_mem/ENFILE/wrapping */
/* spine: ipc_fromfd_mem/success-wraps-connected-socket */
int dill_ipc_fromfd_mem(int fd, struct dill_ipc_storage *mem) {
    if(!mem) {              /* ref/README reading 6 */
        errno = EINVAL;
        return -1;
    }
    if(dill_ipc_adopt_fd(fd, false) < 0)
        return -1;
    return dill_ipc_conn_make(fd, (struct dill_ipc_conn *)mem);
}

/* spine: ipc_listener_fromfd/EMFILE/wrapping */
/* spine: ipc_listener_fromfd/ENFILE/wrapping */
/* spine: ipc_listener_fromfd/success-accepts */
int dill_ipc_listener_fromfd(int fd) {
    if(dill_ipc_adopt_fd(fd, true) < 0)
        return -1;
    return dill_ipc_listener_make(fd, NULL);
}

/* spine: ipc_listener_fromfd_mem/EINVAL/null-storage */
/* spine: ipc_listener_fromfd_mem/EMFILE/wrapping */
/* spine: ipc_listener_fromfd_mem/ENFILE/wrapping */
/* spine: ipc_listener_fromfd_mem/success-accepts */
int dill_ipc_listener_fromfd_mem(int fd, struct dill_ipc_listener_storage *mem) {
    if(!mem) {              /* ref/README reading 6 */
        errno = EINVAL;
        return -1;
    }
    if(dill_ipc_adopt_fd(fd, true) < 0)
        return -1;
    return dill_ipc_listener_make(fd, mem);
}
