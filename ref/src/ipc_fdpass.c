/* ipc_sendfd, ipc_recvfd: a descriptor carried by one byte of the stream
 * (SCM_RIGHTS), in order with the bytes around it. */
#include <errno.h>
#include <fcntl.h>

#include "ipc.h"
#include "libdill.h"
#include "runtime.h"
#include "sockio.h"

/* The connection behind `s` when the calling coroutine may use it. */
static struct dill_ipc_conn *dill_ipc_fdpass_conn(int s) {
    struct dill_ipc_conn *c = dill_hquery(s, &dill_ipc_conn_type);
    if(!c || dill_check_canceled() < 0)
        return NULL;
    return c;
}

/* The caller keeps its own copy of `fd` open. */
/* spine: ipc_sendfd/passes-working-fd */
int dill_ipc_sendfd(int s, int fd, int64_t deadline) {
    struct dill_ipc_conn *c = dill_ipc_fdpass_conn(s);
    if(!c)
        return -1;
    /* spine: ipc_sendfd/EINVAL/negative-fd */
    if(fd < 0 || fcntl(fd, F_GETFD) < 0) {
        errno = EINVAL;
        return -1;
    }
    /* spine: ipc_sendfd/EPIPE/after-done */
    if(c->done) {
        errno = EPIPE;
        return -1;
    }
    if(dill_ipc_dir_begin(&c->out) < 0)
        return -1;
    return dill_ipc_dir_end(&c->out, dill_sock_send_fd(dill_ipc_sock(c), fd, deadline));
}

/* Returns the new descriptor; EPROTO when the byte came without one, which
 * leaves the stream usable (the byte was where a descriptor belonged). */
int dill_ipc_recvfd(int s, int64_t deadline) {
    struct dill_ipc_conn *c = dill_ipc_fdpass_conn(s);
    if(!c)
        return -1;
    if(dill_ipc_dir_begin(&c->in) < 0)
        return -1;
    int fd = dill_sock_recv_fd(dill_ipc_sock(c), deadline);
    /* spine: ipc_recvfd/EPROTO/stream-goes-on */
    if(fd < 0 && errno == EPROTO) {
        dill_ipc_dir_end(&c->in, 0);
        errno = EPROTO;
        return -1;
    }
    dill_ipc_dir_end(&c->in, fd < 0 ? -1 : 0);
    return fd;
}
