/* The calls on connections: bsend, bsendl, brecv, brecvl, ipc_sendfd,
 * ipc_recvfd, ipc_done, ipc_close, and hclose of any operand.  Each clause
 * is named beside the code that encodes it. */
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdill.h>

#include "model.h"

/******************************************************************************/
/*  Bytestreams                                                               */
/******************************************************************************/

/* The connection an operand names, or the expectation for a call on a
 * handle that is none: EBADF for no object, ENOTSUP for another kind. */
static struct ep *conn_operand(struct run *r, uint8_t v, int *h, struct expect *x,
        bool *skip) {
    int s;
    *skip = !resolve(r, v, h, &s);
    if(*skip)
        return NULL;
    if(s == NONE) {
        *x = MUST_FAIL("bad-handle", EBADF);
        return NULL;
    }
    if(r->slots[s].kind != CONN) {
        *x = MUST_FAIL("not-a-connection", ENOTSUP);
        return NULL;
    }
    struct ep *e = &r->eps[r->slots[s].ep];
    r->after_fd = e->fd_failed || e->in_unsure;
    return e;
}

/* The iolist for `len` bytes of `buf` in up to four pieces. */
static int build_list(struct iolist *iol, uint8_t *buf, size_t len, int pieces,
        bool skip) {
    size_t at = 0;
    for(int i = 0; i < pieces; i++) {
        size_t n = i == pieces - 1 ? len - at : len / (size_t)pieces;
        iol[i] = (struct iolist){skip && i % 2 ? NULL : buf + at, n,
            i == pieces - 1 ? NULL : &iol[i + 1], 0};
        at += n;
    }
    return pieces;
}

/* What a send of `len` bytes on `e` may do (bsend(3): "There is no such
 * thing as partial send"; after a failure "the socket cannot be used for
 * sending from that point on"; ipc_done(3) ends the outbound half), and
 * whether it is sure to complete without waiting. */
static struct expect send_expect(struct run *r, const struct ep *e, size_t len,
        bool *safe) {
    *safe = inflight(r, e) + len <= SAFE_INFLIGHT && e->sends < SAFE_SENDS;
    if(e->out_done)
        return MUST_FAIL("after-done", EPIPE);
    if(e->out_dead)
        return MUST_FAIL(e->fd_failed ? "after-fd-call-failure" : "after-failure", 0);
    if(!peer_alive(r, e)) {
        *safe = false;
        return EITHER("peer-closed", EPIPE, ECONNRESET);
    }
    return *safe ? MUST_SUCCEED("room") : EITHER("maybe-full", ETIMEDOUT);
}

/* The model after a send of `len` bytes (an fd's byte when `fd_call`). */
static void account_send(struct ep *e, bool ok, uint32_t len, bool fd_call) {
    e->sends++;
    if(ok) {
        if(fd_call)
            e->fdpos[e->nfds++] = e->sent;
        e->sent += len;
    } else if(!e->out_done) {
        e->fd_failed |= fd_call && !e->out_dead;
        e->out_dead = true;
        e->sent_unknown = true;   /* part of it may have gone */
    }
}

/* bsend(3)/bsendl(3), with the caller's list checked unchanged. */
void op_send(struct run *r, const struct fz_op *op, bool list) {
    enum fz_fn fn = list ? FZ_BSENDL : FZ_BSEND;
    int h;
    bool skip, safe = true;
    struct expect x;
    struct ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    if(e)
        x = send_expect(r, e, op->len, &safe);
    static uint8_t buf[4096];
    if(e)
        fill_pattern(buf, op->len, (int)(e - r->eps), e->sent);
    struct iolist iol[4], copy[4];
    int pieces = build_list(iol, buf, op->len, 1 + op->flags % 4, false);
    memcpy(copy, iol, sizeof(iol));
    int64_t dl = deadline(r, op->dl, safe);
    int rc = list ? bsendl(h, &iol[0], &iol[pieces - 1], dl) : bsend(h, buf, op->len, dl);
    int err = errno;
    if(list && r->mode == FZ_ORACLE && memcmp(copy, iol, sizeof(iol)) != 0)
        finding(fn, "list", "modified", "the caller's list changed");
    bool ok = judge(r, fn, &x, rc, err, false);
    if(e)
        account_send(e, ok, (uint32_t)op->len, false);
}

/* FNV-1a over the bytes the list's buffers received (NULL bases skip). */
static uint32_t checksum(const struct iolist *iol, int pieces) {
    uint32_t sum = 2166136261u;
    for(int i = 0; i < pieces; i++)
        if(iol[i].iol_base)
            sum = fnv1a(sum, iol[i].iol_base, iol[i].iol_len);
    return sum;
}

/* Bytes received at `pos` onwards must be the peer's pattern: "Nothing is
 * lost".  NULL-based pieces were skipped (brecvl(3)). */
static void check_bytes(struct run *r, enum fz_fn fn, const struct ep *e,
        const struct iolist *iol, int pieces, uint32_t pos) {
    if(r->mode != FZ_ORACLE || e->peer == NONE || r->lost)
        return;
    for(int i = 0; i < pieces; i++) {
        const uint8_t *p = iol[i].iol_base;
        size_t k = p ? pattern_matches(p, iol[i].iol_len, e->peer, pos) : iol[i].iol_len;
        if(k < iol[i].iol_len)
            finding(fn, "bytes", "wrong-bytes",
                "byte %u of the stream is not the byte sent", (unsigned)(pos + k));
        pos += (uint32_t)iol[i].iol_len;
    }
}

/* brecv(3)/brecvl(3): "no such thing as partial receive"; EPIPE once the
 * peer's outbound half is closed and its data read (ipc_done(3)); EBUSY
 * while another coroutine receives. */
static struct expect recv_expect(struct run *r, const struct ep *e, size_t len,
        bool *safe) {
    uint32_t avail = available(r, e);
    bool unknown = e->peer != NONE && r->eps[e->peer].sent_unknown;
    *safe = true;
    if(e->busy_cell != NONE)
        return MUST_FAIL("busy", EBUSY);
    if(e->in_dead)
        return MUST_FAIL(e->fd_failed ? "after-fd-call-failure" : "after-failure", 0);
    if(e->in_unsure) {
        *safe = avail >= len;
        return EITHER("after-eproto", 0);
    }
    /* Queued data is read before a closed peer's EOF or reset shows. */
    if(avail >= len)
        return MUST_SUCCEED("data-waiting");
    if(!peer_alive(r, e))
        return EITHER("peer-closed", EPIPE, ECONNRESET);
    if(unknown) {
        *safe = false;
        return EITHER("peer-send-failed", ETIMEDOUT, EPIPE, ECONNRESET);
    }
    if(e->peer != NONE && r->eps[e->peer].out_done)
        return MUST_FAIL("peer-done", EPIPE);
    *safe = false;
    return MUST_FAIL("would-block", ETIMEDOUT);
}

void op_recv(struct run *r, const struct fz_op *op, bool list) {
    enum fz_fn fn = list ? FZ_BRECVL : FZ_BRECV;
    int h;
    bool skip, safe = true;
    struct expect x;
    struct ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    bool null_buf = (op->flags & FZ_FLAG_SKIP) != 0;
    char situation[48];
    if(e && fd_ahead(r, e, e->rcvd, op->len))
        return;
    if(e)
        x = recv_expect(r, e, op->len, &safe);
    if(null_buf) {   /* its own key: a target may treat skipping apart */
        snprintf(situation, sizeof(situation), "%s-null-buffer", x.situation);
        x.situation = situation;
    }
    static uint8_t buf[4096];
    struct iolist iol[4], copy[4];
    int pieces = build_list(iol, buf, op->len, list ? 1 + op->flags % 4 : 1,
        list && null_buf);
    if(!list && null_buf)
        iol[0].iol_base = NULL;
    memcpy(copy, iol, sizeof(iol));
    int64_t dl = deadline(r, op->dl, safe);
    int rc = list ? brecvl(h, &iol[0], &iol[pieces - 1], dl)
                  : brecv(h, iol[0].iol_base, op->len, dl);
    int err = errno;
    if(list && r->mode == FZ_ORACLE && memcmp(copy, iol, sizeof(iol)) != 0)
        finding(fn, "list", "modified", "the caller's list changed");
    bool ok = judge(r, fn, &x, rc, err, false);
    if(r->trace && ok && r->trace->n > 0)
        r->trace->steps[r->trace->n - 1].sum = checksum(iol, pieces);
    if(!e || (rc == -1 && err == EBUSY))
        return;
    if(ok) {
        check_bytes(r, fn, e, iol, pieces, e->rcvd);
        e->rcvd += (uint32_t)op->len;
    } else {
        e->in_dead = true;
    }
}

/* ipc_sendfd (spec/ipc_sendfd.md): one byte of the stream with a pipe's
 * read end attached, or EINVAL for fd -1; otherwise as a 1-byte bsend. */
void op_sendfd(struct run *r, const struct fz_op *op) {
    int h;
    bool skip, bad_fd = (op->flags & FZ_FLAG_SKIP) != 0, safe = true;
    struct expect x;
    struct ep *e = conn_operand(r, op->a, &h, &x, &skip);
    /* A coroutine blocked in brecv on the other end would take the byte. */
    if(skip || (e && (e->nfds == 8 ||
            (e->peer != NONE && r->eps[e->peer].busy_cell != NONE))))
        return;
    /* A target known to die of SIGPIPE here is spared the call. */
    if(e && !bad_fd && !peer_alive(r, e) && fz_known("ipc_sendfd/peer-closed/crash")) {
        skip_step(r);
        return;
    }
    if(e)
        x = bad_fd ? MUST_FAIL("bad-fd", EINVAL) : send_expect(r, e, 1, &safe);
    int p[2] = {-1, -1};
    if(!bad_fd && pipe(p) != 0)
        return;
    int rc = ipc_sendfd(h, bad_fd ? -1 : p[0], deadline(r, op->dl, safe));
    bool ok = judge(r, FZ_IPC_SENDFD, &x, rc, errno, false);
    if(p[0] >= 0) {
        close(p[0]);      /* the caller keeps its own copy: closing it is ours */
        close(p[1]);
    }
    if(e && !bad_fd)
        account_send(e, ok, 1, true);
}

/* ipc_recvfd: the fd sent at this point of the stream, EPROTO when the byte
 * here came without one; otherwise as a 1-byte brecv. */
void op_recvfd(struct run *r, const struct fz_op *op) {
    int h;
    bool skip, safe = true, carries = false;
    struct expect x;
    struct ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    if(e) {
        carries = fd_ahead(r, e, e->rcvd, 1);
        x = recv_expect(r, e, 1, &safe);
        if(x.may_succeed && !x.may_fail && !carries)
            x = MUST_FAIL("byte-without-fd", EPROTO);
    }
    /* A target known to hang here (its receive buffer took the byte and
     * dropped the fd) is never asked to wait without a deadline. */
    if(fz_known("ipc_recvfd/deadline-infinite/hang"))
        safe = false;
    int fd = ipc_recvfd(h, deadline(r, op->dl, safe));
    int err = errno;
    bool ok = judge(r, FZ_IPC_RECVFD, &x, fd, err, true);
    if(ok) {
        if(r->mode == FZ_ORACLE && !r->lost && fcntl(fd, F_GETFD) < 0)
            finding(FZ_IPC_RECVFD, "fd-sent", "not-open", "returned %d, not an open fd", fd);
        close(fd);
    }
    if(!e || (fd == -1 && err == EBUSY))
        return;
    if(ok || (fd == -1 && err == EPROTO))
        e->rcvd++;
    if(fd == -1 && err == EPROTO)
        e->in_unsure = true;
    else if(!ok) {
        e->fd_failed |= !e->in_dead;
        e->in_dead = true;
    }
}

/* ipc_done(3): closes the outbound half; a second call has nothing left to
 * close (EPIPE). */
void op_done(struct run *r, const struct fz_op *op) {
    int h;
    bool skip;
    struct expect x;
    struct ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    if(e)
        x = e->out_done ? MUST_FAIL("after-done", EPIPE)
          : e->out_dead || !peer_alive(r, e) ? EITHER("after-failure", 0)
          : MUST_SUCCEED("open");
    int rc = ipc_done(h, deadline(r, op->dl, true));
    if(judge(r, FZ_IPC_DONE, &x, rc, errno, false) && e)
        e->out_done = true;
}

/* ipc_close(3): the terminal handshake (done, then wait for the peer's
 * done); "The socket is closed even in the case of error"; on a listener
 * "equivalent to calling hclose". */
void op_ipc_close(struct run *r, const struct fz_op *op) {
    int h, s;
    if(!resolve(r, op->a, &h, &s))
        return;
    struct expect x;
    bool safe = true;
    if(s == NONE) {
        x = MUST_FAIL("bad-handle", EBADF);
    } else if(r->slots[s].kind == LISTENER) {
        x = MUST_SUCCEED("listener");
    } else if(r->slots[s].kind != CONN) {
        x = MUST_FAIL("not-ipc", ENOTSUP);
    } else {
        struct ep *e = &r->eps[r->slots[s].ep];
        r->after_fd = e->fd_failed || e->in_unsure;
        /* The peer's done ends its stream whatever a failed send of its
         * left behind: the handshake drains bytes it need not count. */
        bool peer_done = e->peer != NONE && r->eps[e->peer].out_done;
        /* It waits for the peer's done: -1 only when that has come. */
        safe = peer_done || !peer_alive(r, e);
        if(e->out_done || e->out_dead || e->in_dead || e->in_unsure ||
                e->busy_cell != NONE)
            x = EITHER("after-failure", 0);
        else if(!peer_alive(r, e))
            x = EITHER("peer-closed", ECONNRESET);
        else if(peer_done)
            x = MUST_SUCCEED("peer-done");
        else
            x = MUST_FAIL("peer-open", ETIMEDOUT);
        release_receiver(r, s);
    }
    int rc = ipc_close(h, deadline(r, op->dl, safe));
    judge(r, FZ_IPC_CLOSE, &x, rc, errno, false);
    if(s != NONE && r->slots[s].kind == CONN && fz_known("ipc_close/dangling-handle/crash"))
        poison(h);
    if(s != NONE && (r->slots[s].kind == CONN || r->slots[s].kind == LISTENER)) {
        if(r->slots[s].kind == CONN)
            r->eps[r->slots[s].ep].out_done = true;
        forget(r, s);
    }
}

/* hclose(3) of any operand: EBADF for what is not a handle. */
void op_hclose(struct run *r, const struct fz_op *op) {
    int h, s;
    if(!resolve(r, op->a, &h, &s))
        return;
    if(s != NONE) {
        close_slot(r, s);
        return;
    }
    int rc = hclose(h);
    judge(r, FZ_HCLOSE, &MUST_FAIL("bad-handle", EBADF), rc, errno, false);
}
