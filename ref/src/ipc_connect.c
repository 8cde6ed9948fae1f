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
/* spine: ipc_connect/EACCES ipc_connect/ECONNREFUSED ipc_connect/ECONNRESET
 * ipc_connect/ELOOP ipc_connect/ENOENT ipc_connect/ENOTDIR
 * ipc_connect/ETIMEDOUT ipc_connect/deadline-infinite-waits-for-room
 * ipc_connect_mem/EACCES ipc_connect_mem/ECONNREFUSED
 * ipc_connect_mem/ECONNRESET ipc_connect_mem/ELOOP ipc_connect_mem/ENOENT
 * ipc_connect_mem/ENOTDIR ipc_connect_mem/ETIMEDOUT
 * ipc_connect_mem/deadline-infinite-waits-for-room */
static int dill_ipc_connect_fd(const struct sockaddr_un *sa, int64_t deadline) {
    int fd = dill_ipc_socket();
    if(fd < 0)
        return -1;
    for(;;) {
        if(connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
            return fd;
        int err = errno;
        if(err == EAGAIN) {
            int64_t retry = dill_now() + DILL_CONNECT_RETRY;
            if(deadline != -1 && retry > deadline)
                retry = deadline;
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

/* spine: ipc_connect_mem/success-connection-works ipc_connect_mem/EINVAL */
int dill_ipc_connect_mem(const char *addr, struct dill_ipc_storage *mem,
      int64_t deadline) {
    if(!mem) {              /* ref/README reading 6 */
        errno = EINVAL;
        return -1;
    }
    return dill_ipc_connect_in(addr, mem, deadline);
}
