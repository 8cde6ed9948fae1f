/* The IPC connection: a UNIX stream socket behind a bytestream handle. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "iolist.h"
#include "ipc.h"
#include "libdill.h"
#include "poller.h"
#include "runtime.h"
#include "sockio.h"

const int dill_ipc_conn_type = 0;

_Static_assert(sizeof(struct dill_ipc_conn) <= sizeof(struct dill_ipc_storage),
    "struct ipc_storage too small");

int dill_ipc_dir_begin(struct dill_ipc_dir *d) {
    /* spine: brecv/EBUSY/two-coroutines */
    /* spine: brecv/EBUSY/zero-length */
    /* spine: brecvl/EBUSY/two-coroutines */
    /* spine: brecvl/EBUSY/zero-length */
    /* spine: bsend/EBUSY/two-coroutines */
    /* spine: bsend/EBUSY/zero-length */
    /* spine: bsendl/EBUSY/two-coroutines */
    /* spine: bsendl/EBUSY/zero-length */
    if(d->busy) {
        errno = EBUSY;  /* "The handle is currently being used by a different
                           coroutine." */
        return -1;
    }
    /* a failed direction stays failed, for a call with nothing to move too: */
    /* spine: brecv/ECONNRESET/zero-length-after-timeout */
    /* spine: brecv/EPIPE/zero-length-after-end */
    /* spine: brecvl/ECONNRESET/zero-length-after-timeout */
    /* spine: brecvl/EPIPE/zero-length-after-end */
    /* spine: bsend/ECONNRESET/zero-length-after-timeout */
    /* spine: bsendl/ECONNRESET/zero-length-after-timeout */
    if(d->err) {
        errno = d->err;
        return -1;
    }
    d->busy = true;
    return 0;
}

int dill_ipc_dir_end(struct dill_ipc_dir *d, int rc) {
    int err = errno;
    if(rc < 0 && err == EBADF)
        return rc;      /* the object is gone: touch nothing */
    d->busy = false;
    /* spine: brecv/no-partial-receive */
    /* spine: brecv/unusable-after-timeout */
    /* spine: brecvl/no-partial-receive */
    /* spine: brecvl/unusable-after-timeout */
    /* spine: bsend/unusable-after-timeout */
    /* spine: bsendl/unusable-after-timeout */
    /* A failed transfer may have moved part of the data: the stream's
     * position is lost.  A peer that ended the stream stays EPIPE
     * (ref/README reading 3). */
    if(rc < 0)
        d->err = (err == EPIPE) ? EPIPE : ECONNRESET;
    errno = err;
    return rc;
}

struct dill_sock dill_ipc_sock(struct dill_ipc_conn *c) {
    struct dill_sock s = {c->fd, c->peer ? c->peer->fd : -1,
        &c->rx, c->peer ? &c->peer->rx : NULL};
    return s;
}

/* spine: bsend/EPIPE/after-done */
/* spine: bsend/EPIPE/zero-length-after-done */
/* spine: bsendl/EPIPE/after-done */
/* spine: bsendl/EPIPE/zero-length-after-done */
/* spine: ipc_done/EPIPE/bsend-after */
static int dill_ipc_bsendl(struct dill_bsock_vfs *vfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    (void)last;
    struct dill_ipc_conn *c = dill_cont(vfs, struct dill_ipc_conn, bvfs);
    if(c->done) {
        errno = EPIPE;  /* our own ipc_done(3) closed this direction */
        return -1;
    }
    if(dill_ipc_dir_begin(&c->out) < 0)
        return -1;
    return dill_ipc_dir_end(&c->out, dill_sock_send(dill_ipc_sock(c), first, deadline));
}

static int dill_ipc_brecvl(struct dill_bsock_vfs *vfs,
      struct dill_iolist *first, struct dill_iolist *last, int64_t deadline) {
    (void)last;
    struct dill_ipc_conn *c = dill_cont(vfs, struct dill_ipc_conn, bvfs);
    if(dill_ipc_dir_begin(&c->in) < 0)
        return -1;
    return dill_ipc_dir_end(&c->in, dill_sock_recv(dill_ipc_sock(c), first, deadline));
}

static void *dill_ipc_conn_query(struct dill_hvfs *vfs, const void *type) {
    struct dill_ipc_conn *c = (struct dill_ipc_conn *)vfs;
    if(type == dill_bsock_type)
        return &c->bvfs;
    if(type == &dill_ipc_conn_type)
        return c;
    return NULL;
}

/* No more bytes come to the in-thread pair end `p`: its receivers learn it
 * at once, without asking the kernel (rxbuf.h). */
static void dill_ipc_peer_ended(struct dill_ipc_conn *p) {
    dill_rxbuf_peer_ended(&p->rx);
    dill_fd_notify(p->fd, DILL_IN);
}

/* hclose(3): "all associated resources are deallocated" - without waiting:
 * "outbound network data may not be flushed".  Calls blocked on the
 * connection in other coroutines wake and fail with EBADF (fdclean). */
/* spine: brecv/EPIPE/after-drain-peer-closed */
/* spine: brecvl/EPIPE/after-drain-peer-closed */
/* spine: hclose/closes-connection-fd */
/* spine: hclose/does-not-block */
/* spine: ipc_fromfd/hclose-closes-fd */
/* spine: ipc_fromfd_mem/hclose-closes-fd */
static void dill_ipc_conn_close(struct dill_hvfs *vfs) {
    struct dill_ipc_conn *c = (struct dill_ipc_conn *)vfs;
    if(c->peer) {
        /* The peer must not remember freed memory nor a reusable fd
         * number; its calls, woken now, run after the close and see the
         * hang-up. */
        dill_ipc_peer_ended(c->peer);
        dill_fd_notify(c->peer->fd, DILL_OUT);
        c->peer->peer = NULL;
    }
    dill_rxbuf_clear(&c->rx);
    dill_ipc_fd_close(c->fd);
    if(!c->mem)
        free(c);
}

/* spine: ipc_accept/ENOMEM/allocation-loop */
/* spine: ipc_accept_mem/ENOMEM/allocation-loop */
/* spine: ipc_connect/ENOMEM/allocation-loop */
/* spine: ipc_connect_mem/ENOMEM/allocation-loop */
/* spine: ipc_fromfd/ENOMEM/allocation-loop */
/* spine: ipc_fromfd_mem/ENOMEM/allocation-loop */
int dill_ipc_conn_make(int fd, struct dill_ipc_conn *mem) {
    if(dill_fd_track(fd) < 0)
        return -1;
    struct dill_ipc_conn *c = mem ? mem : malloc(sizeof(*c));
    if(!c) {
        errno = ENOMEM;
        return -1;
    }
    *c = (struct dill_ipc_conn){
        .hvfs = {dill_ipc_conn_query, dill_ipc_conn_close},
        .bvfs = {dill_ipc_bsendl, dill_ipc_brecvl},
        .fd = fd,
        .mem = mem != NULL,
    };
    dill_rxbuf_init(&c->rx);
    int h = dill_hmake(&c->hvfs);
    if(h < 0 && !mem)
        free(c);
    return h;
}

/* Ends our outbound stream; an in-thread peer's readers see it at once. */
static void dill_ipc_shut_wr(struct dill_ipc_conn *c) {
    /* spine: ipc_done/inbound-still-works */
    /* spine: ipc_done/peer-reads-data-then-EPIPE */
    shutdown(c->fd, SHUT_WR);
    c->done = true;
    if(c->peer)
        dill_ipc_peer_ended(c->peer);
}

/* ipc_done(3): "closes the outbound half of IPC connection.  This will cause
 * the peer to get EPIPE error after it has received all the data."  Nothing
 * is buffered in ref, so the deadline never matters (ref/README
 * reading 4). */
/* spine: ipc_done/ECANCELED/after */
int dill_ipc_done(int s, int64_t deadline) {
    /* spine: ipc_done/ETIMEDOUT/nothing-to-wait-for */
    /* spine: ipc_done/deadline-0-does-not-block */
    (void)deadline;
    struct dill_ipc_conn *c = dill_hquery(s, &dill_ipc_conn_type);
    if(!c)
        return -1;
    if(dill_check_canceled() < 0)
        return -1;
    /* spine: ipc_done/EPIPE/twice */
    if(c->done || c->out.err) {
        errno = EPIPE;  /* "The connection was already half-closed." */
        return -1;
    }
    dill_ipc_shut_wr(c);
    return 0;
}

/* The terminal handshake: say we are done, then read (and drop) whatever
 * the peer still sends until it ends the stream too (ref/README reading 5). */
/* ref/README reading 14 */
/* spine: ipc_close/ECANCELED/after */
static int dill_ipc_handshake(struct dill_ipc_conn *c, int64_t deadline) {
    if(dill_check_canceled() < 0)
        return -1;
    /* Reading 14: a send blocked on it fails with EBADF now rather than
     * with whatever our shutdown makes of it. */
    /* spine: ipc_close/while-another-sends */
    if(c->out.busy)
        dill_fd_evict(c->fd, DILL_OUT);
    dill_ipc_shut_wr(c);
    if(c->out.err) {
        errno = ECONNRESET; /* what we sent may not all have arrived */
        return -1;
    }
    if(c->in.err == EPIPE)
        return 0;       /* the peer's end of stream was already seen */
    /* spine: ipc_close/while-another-receives */
    if(c->in.busy) {
        /* Reading 14: a receive blocked on the connection we close fails
         * with EBADF; the direction is ours from now on (busy stays set). */
        dill_fd_evict(c->fd, DILL_IN);
    } else if(dill_ipc_dir_begin(&c->in) < 0) {
        errno = ECONNRESET;
        return -1;
    }
    /* spine: ipc_close/ECONNRESET/peer-gone */
    /* spine: ipc_close/handshake-succeeds */
    /* spine: ipc_pair/ipc-close-handshake */
    /* spine: ipc_pair_mem/ipc-close-handshake */
    /* spine: ipc_close/ETIMEDOUT/deadline-0 */
    /* spine: ipc_close/ETIMEDOUT/timed */
    return dill_ipc_dir_end(&c->in, dill_sock_drain(dill_ipc_sock(c), deadline));
}

/* ipc_close(3): "If this terminal handshake cannot be done it returns error.
 * The socket is closed even in the case of error.  It can also be used to
 * close IPC listener socket in which case it's equivalent to calling
 * hclose." */
int dill_ipc_close(int s, int64_t deadline) {
    /* spine: ipc_close/listener-equals-hclose */
    /* spine: ipc_listen/closed-by-ipc-close */
    /* spine: ipc_listen_mem/closed-by-ipc-close */
    /* spine: ipc_listener_fromfd/ipc-close-closes-fd */
    /* spine: ipc_listener_fromfd_mem/ipc-close-closes-fd */
    if(dill_hquery(s, &dill_ipc_listener_type))
        return dill_hclose(s);
    struct dill_ipc_conn *c = dill_hquery(s, &dill_ipc_conn_type);
    if(!c)
        return -1;
    /* spine: ipc_close/closed-even-on-error */
    /* spine: ipc_fromfd/ipc-close-closes-fd */
    /* spine: ipc_fromfd_mem/ipc-close-closes-fd */
    int rc = dill_ipc_handshake(c, deadline);
    int err = errno;
    dill_hclose(s);
    if(rc < 0)
        errno = err;
    return rc;
}
