/* The IPC listener: ipc_listen(3), ipc_accept(3) and their _mem variants. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipc.h"
#include "libdill.h"
#include "poller.h"
#include "runtime.h"

const int dill_ipc_listener_type = 0;

struct dill_ipc_listener {
    struct dill_hvfs hvfs;
    int fd;
    bool mem;
};

_Static_assert(sizeof(struct dill_ipc_listener) <=
    sizeof(struct dill_ipc_listener_storage),
    "struct ipc_listener_storage too small");

static void *dill_ipc_listener_query(struct dill_hvfs *vfs, const void *type) {
    return type == &dill_ipc_listener_type ? vfs : NULL;
}

/* ipc_listen(3): "The socket can be closed either by hclose or ipc_close.
 * Both ways are equivalent."  The socket file stays, as with close(2)
 * (ref/README reading 8). */
static void dill_ipc_listener_close(struct dill_hvfs *vfs) {
    struct dill_ipc_listener *l = (struct dill_ipc_listener *)vfs;
    dill_ipc_fd_close(l->fd);
    if(!l->mem)
        free(l);
}

/* spine: ipc_listen/ENOMEM/allocation-loop */
/* spine: ipc_listen_mem/ENOMEM/allocation-loop */
/* spine: ipc_listener_fromfd/ENOMEM/allocation-loop */
/* spine: ipc_listener_fromfd_mem/ENOMEM/allocation-loop */
int dill_ipc_listener_make(int fd,
      struct dill_ipc_listener_storage *mem) {
    if(dill_fd_track(fd) < 0)
        return -1;
    struct dill_ipc_listener *l = mem ? (void *)mem : malloc(sizeof(*l));
    if(!l) {
        errno = ENOMEM;
        return -1;
    }
    l->hvfs.query = dill_ipc_listener_query;
    l->hvfs.close = dill_ipc_listener_close;
    l->fd = fd;
    l->mem = mem != NULL;
    int h = dill_hmake(&l->hvfs);
    if(h < 0 && !mem)
        free(l);
    return h;
}

/* Undoes a bind that will not become a listener: a failed call leaves
 * nothing behind, neither the fd nor the socket file it created (reading
 * 8 keeps the file only for a listener that existed).  errno is kept. */
static void dill_ipc_unlisten(int fd, const char *bound_path) {
    int err = errno;
    dill_ipc_fd_close(fd);
    if(bound_path)
        unlink(bound_path);
    errno = err;
}

static int dill_ipc_bind_listen(const char *addr, int backlog) {
    struct sockaddr_un sa;
    if(dill_ipc_addr(addr, &sa) < 0)
        return -1;
    int fd = dill_ipc_socket();
    if(fd < 0)
        return -1;
    /* the kernel's answer for the path: */
    /* spine: ipc_listen/EADDRINUSE/bound-path */
    /* spine: ipc_listen/ELOOP/symlink-loop */
    /* spine: ipc_listen/ENOENT/missing-directory */
    /* spine: ipc_listen/ENOTDIR/file-component */
    /* spine: ipc_listen_mem/EADDRINUSE/bound-path */
    /* spine: ipc_listen_mem/ELOOP/symlink-loop */
    /* spine: ipc_listen_mem/ENOENT/missing-directory */
    /* spine: ipc_listen_mem/ENOTDIR/file-component */
    bool bound = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    if(bound && listen(fd, backlog) == 0)
        return fd;
    int err = errno;
    /* spine: ipc_listen/EACCES/readonly-directory */
    /* spine: ipc_listen_mem/EACCES/readonly-directory */
    if(err == EROFS || err == EPERM)
        err = EACCES;   /* the page's word for "may not create it here" */
    dill_ipc_unlisten(fd, bound ? addr : NULL);
    errno = err;
    return -1;
}

static int dill_ipc_listen_in(const char *addr, int backlog,
      struct dill_ipc_listener_storage *mem) {
    int fd = dill_ipc_bind_listen(addr, backlog);
    if(fd < 0)
        return -1;
    int h = dill_ipc_listener_make(fd, mem);
    if(h < 0)
        dill_ipc_unlisten(fd, addr);
    return h;
}

/* spine: ipc_listen/success-accepts */
int dill_ipc_listen(const char *addr, int backlog) {
    return dill_ipc_listen_in(addr, backlog, NULL);
}

/* spine: ipc_listen_mem/EINVAL/null-storage */
/* spine: ipc_listen_mem/success-accepts */
int dill_ipc_listen_mem(const char *addr, int backlog,
      struct dill_ipc_listener_storage *mem) {
    if(!mem) {              /* ref/README reading 6 */
        errno = EINVAL;
        return -1;
    }
    return dill_ipc_listen_in(addr, backlog, mem);
}

/* A connected fd from the listener, waiting as the deadline allows.  It is
 * made non-blocking: the new connection's calls wait in the poller, as
 * their deadlines say, never in the kernel. */
static int dill_ipc_accept_fd(struct dill_ipc_listener *l, int64_t deadline) {
    for(;;) {
        /* a waiting client is taken whatever the deadline (0 too), its
         * socket made non-blocking for the deadlines of its own calls: */
        /* spine: ipc_accept/deadline-0-accepts-waiting-client */
        /* spine: ipc_accept_mem/deadline-0-accepts-waiting-client */
        /* spine: ipc_accept/deadlines-recv */
        /* spine: ipc_accept/deadlines-send */
        /* spine: ipc_accept_mem/deadlines-recv */
        /* spine: ipc_accept_mem/deadlines-send */
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if(fd >= 0)
            return fd;
        switch(errno) {
        case EAGAIN:
#if EWOULDBLOCK != EAGAIN
        case EWOULDBLOCK:
#endif
            /* spine: ipc_accept/deadline-infinite-waits-for-client */
            /* spine: ipc_accept_mem/deadline-infinite-waits-for-client */
            if(dill_fd_wait(l->fd, DILL_IN, deadline) < 0)
                return -1;
            break;
        case EINTR:
        case ECONNABORTED:  /* that client gave up; wait for the next */
            break;
        /* the kernel's EMFILE, ENFILE and ENOMEM (ENOBUFS) are the caller's: */
        /* spine: ipc_accept/EMFILE/rlimit */
        /* spine: ipc_accept/ENFILE/injected */
        /* spine: ipc_accept/ENOMEM/injected */
        /* spine: ipc_accept_mem/EMFILE/rlimit */
        /* spine: ipc_accept_mem/ENFILE/injected */
        /* spine: ipc_accept_mem/ENOMEM/injected */
        case ENOBUFS:
            errno = ENOMEM;
            return -1;
        default:
            return -1;      /* EMFILE, ENFILE, ENOMEM */
        }
    }
}

static int dill_ipc_accept_in(int s, struct dill_ipc_storage *mem,
      int64_t deadline) {
    struct dill_ipc_listener *l = dill_hquery(s, &dill_ipc_listener_type);
    if(!l)
        return -1;
    /* spine: ipc_accept/ECANCELED/after */
    /* spine: ipc_accept_mem/ECANCELED/after */
    if(dill_check_canceled() < 0)
        return -1;
    int fd = dill_ipc_accept_fd(l, deadline);
    if(fd < 0)
        return -1;
    return dill_ipc_fd_close_unless(dill_ipc_conn_make(fd, (struct dill_ipc_conn *)mem), fd);
}

/* spine: ipc_accept/success-connection-works */
int dill_ipc_accept(int s, int64_t deadline) {
    return dill_ipc_accept_in(s, NULL, deadline);
}

/* spine: ipc_accept_mem/EINVAL/null-storage */
/* spine: ipc_accept_mem/success-connection-works */
int dill_ipc_accept_mem(int s, struct dill_ipc_storage *mem, int64_t deadline) {
    if(!mem) {              /* ref/README reading 6 */
        errno = EINVAL;
        return -1;
    }
    return dill_ipc_accept_in(s, mem, deadline);
}
