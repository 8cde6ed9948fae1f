/* Objects around sockets made elsewhere: ipc_fromfd(3),
 * ipc_listener_fromfd(3), ipc_pair(3) and their _mem variants. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "ipc.h"
#include "libdill.h"
#include "runtime.h"

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

/* Both ends in the caller's storage, one after the other. */
struct dill_ipc_pair {
    struct dill_ipc_conn end[2];
};

_Static_assert(sizeof(struct dill_ipc_pair) <=
    sizeof(struct dill_ipc_pair_storage), "struct ipc_pair_storage too small");

/* Both ends non-blocking, so that each end's calls honour their deadlines. */
static int dill_ipc_pair_in(struct dill_ipc_pair *mem, int s[2]) {
    if(!s) {
        errno = EINVAL;
        return -1;
    }
    /* spine: ipc_pair/ECANCELED/after */
    /* spine: ipc_pair_mem/ECANCELED/after */
    if(dill_check_canceled() < 0)
        return -1;
    int fds[2];
    /* the kernel's EMFILE, ENFILE, ENOMEM; non-blocking ends (deadlines): */
    /* spine: ipc_pair/EMFILE/rlimit */
    /* spine: ipc_pair/ENFILE/injected */
    /* spine: ipc_pair/ENOMEM/injected */
    /* spine: ipc_pair/deadlines-end0-recv */
    /* spine: ipc_pair/deadlines-end0-send */
    /* spine: ipc_pair/deadlines-end1-recv */
    /* spine: ipc_pair/deadlines-end1-send */
    /* spine: ipc_pair_mem/EMFILE/rlimit */
    /* spine: ipc_pair_mem/ENFILE/injected */
    /* spine: ipc_pair_mem/ENOMEM/injected */
    /* spine: ipc_pair_mem/deadlines-end0-recv */
    /* spine: ipc_pair_mem/deadlines-end0-send */
    /* spine: ipc_pair_mem/deadlines-end1-recv */
    /* spine: ipc_pair_mem/deadlines-end1-send */
    if(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
          fds) < 0) {
        if(errno == ENOBUFS)
            errno = ENOMEM;
        return -1;
    }
    /* an end that cannot be made takes everything else with it: */
    /* spine: ipc_pair/ENOMEM/allocation-loop */
    /* spine: ipc_pair_mem/ENOMEM/allocation-loop */
    int h0 = dill_ipc_conn_make(fds[0], mem ? &mem->end[0] : NULL);
    int h1 = h0 < 0 ? -1 : dill_ipc_conn_make(fds[1], mem ? &mem->end[1] : NULL);
    if(h1 < 0) {
        int err = errno;
        if(h0 >= 0)
            dill_hclose(h0);    /* closes fds[0] */
        else
            dill_ipc_fd_close(fds[0]);
        dill_ipc_fd_close(fds[1]);
        errno = err;
        return -1;
    }
    /* Both ends are ours and stay in this thread (handles are
     * thread-local): each can wake the other's waiters directly. */
    struct dill_ipc_conn *c0 = dill_hquery(h0, &dill_ipc_conn_type);
    struct dill_ipc_conn *c1 = dill_hquery(h1, &dill_ipc_conn_type);
    c0->peer = c1;
    c1->peer = c0;
    s[0] = h0;
    s[1] = h1;
    return 0;
}

/* spine: ipc_pair/success-connected-both-ways */
int dill_ipc_pair(int s[2]) {
    return dill_ipc_pair_in(NULL, s);
}

/* spine: ipc_pair_mem/EINVAL/null-storage */
/* spine: ipc_pair_mem/success-connected-both-ways */
int dill_ipc_pair_mem(struct dill_ipc_pair_storage *mem, int s[2]) {
    if(!mem) {              /* ref/README reading 6 */
        errno = EINVAL;
        return -1;
    }
    return dill_ipc_pair_in((struct dill_ipc_pair *)mem, s);
}
