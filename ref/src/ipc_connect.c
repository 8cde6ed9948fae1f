/* ipc_connect(3), ipc_connect_mem(3). */
#include <errno.h>
#include <stdlib.h>

#include "ipc.h"
#include "libdill.h"
#include "runtime.h"

/* How long to wait before asking a full listener again, in ms. */
#define DILL_CONNECT_RETRY 5

/* A UNIX socket connects at once or not at all; EAGAIN means the listener's
 * backlog is full and there is no event to wait for, so we ask again every
 * few milliseconds until the deadline (ref/README reading 9). */
static int dill_ipc_connect_fd(const struct sockaddr_un *sa, int64_t deadline) {
    int fd = dill_ipc_socket();
    if(fd < 0)
        return -1;
    for(;;) {
        /* the kernel's answer for the path (ECONNREFUSED for a file that is
         * no listening stream socket): */
        /* spine: ipc_connect/EACCES/no-search-permission */
        /* spine: ipc_connect/ECONNREFUSED/no-listener */
        /* spine: ipc_connect/ECONNREFUSED/not-a-socket */
        /* spine: ipc_connect/ECONNRESET/remote-reset */
        /* spine: ipc_connect/ELOOP/symlink-loop */
        /* spine: ipc_connect/ENOENT/missing-file */
        /* spine: ipc_connect/ENOTDIR/file-component */
        /* spine: ipc_connect_mem/EACCES/no-search-permission */
        /* spine: ipc_connect_mem/ECONNREFUSED/no-listener */
        /* spine: ipc_connect_mem/ECONNREFUSED/not-a-socket */
        /* spine: ipc_connect_mem/ECONNRESET/remote-reset */
        /* spine: ipc_connect_mem/ELOOP/symlink-loop */
        /* spine: ipc_connect_mem/ENOENT/missing-file */
        /* spine: ipc_connect_mem/ENOTDIR/file-component */
        if(connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
            return fd;
        int err = errno;
        if(err == EAGAIN) {
            /* a full backlog: asked again until the deadline (reading 9): */
            /* spine: ipc_connect/deadline-infinite-waits-for-room */
            /* spine: ipc_connect_mem/deadline-infinite-waits-for-room */
            /* spine: ipc_connect/ETIMEDOUT/timed */
            /* spine: ipc_connect_mem/ETIMEDOUT/timed */
            int64_t retry = dill_now() + DILL_CONNECT_RETRY;
            if(deadline != -1 && retry > deadline)
                retry = deadline;
            /* spine: ipc_connect/ETIMEDOUT/deadline-0 */
            /* spine: ipc_connect_mem/ETIMEDOUT/deadline-0 */
            if(dill_deadline_immediate(deadline))
                err = ETIMEDOUT;
            else if(dill_msleep(retry) == 0)
                continue;
            else
                err = errno;    /* ECANCELED */
        } else if(err == EINTR) {
            continue;
        } else if(err == EPROTOTYPE) {
            err = ECONNREFUSED; /* a socket, but not one that accepts streams */
        }
        dill_ipc_fd_close(fd);
        errno = err;
        return -1;
    }
}

static int dill_ipc_connect_in(const char *addr, struct dill_ipc_storage *mem,
      int64_t deadline) {
    struct sockaddr_un sa;
    if(dill_ipc_addr(addr, &sa) < 0)
        return -1;
    /* spine: ipc_connect/ECANCELED/after */
    /* spine: ipc_connect_mem/ECANCELED/after */
    if(dill_check_canceled() < 0)
        return -1;
    int fd = dill_ipc_connect_fd(&sa, deadline);
    if(fd < 0)
        return -1;
    return dill_ipc_fd_close_unless(dill_ipc_conn_make(fd, (struct dill_ipc_conn *)mem), fd);
}

/* spine: ipc_connect/success-connection-works */
int dill_ipc_connect(const char *addr, int64_t deadline) {
    return dill_ipc_connect_in(addr, NULL, deadline);
}

/* spine: ipc_connect_mem/EINVAL/null-storage */
/* spine: ipc_connect_mem/success-connection-works */
int dill_ipc_connect_mem(const char *addr, struct dill_ipc_storage *mem,
      int64_t deadline) {
    if(!mem) {              /* ref/README reading 6 */
        errno = EINVAL;
        return -1;
    }
    return dill_ipc_connect_in(addr, mem, deadline);
}
