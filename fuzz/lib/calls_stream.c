/* The calls on connections: bsend, bsendl, brecv, brecvl, ipc_sendfd,
 * ipc_recvfd and ipc_done (closing is calls_close.c's).  Each clause is
 * named beside the code that encodes it. */
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
static struct fz_ep *conn_operand(struct fz_run *r, uint8_t v, int *h, struct fz_expect *x,
        bool *skip) {
    int s;
    *skip = !fz_resolve(r, v, h, &s);
    if(*skip)
        return NULL;
    if(s == FZ_NONE) {
        *x = FZ_MUST_FAIL("bad-handle", EBADF);
        return NULL;
    }
    if(r->slots[s].kind != FZ_CONN) {
        *x = FZ_MUST_FAIL("not-a-connection", ENOTSUP);
        return NULL;
    }
    struct fz_ep *e = &r->eps[r->slots[s].ep];
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
static struct fz_expect send_expect(struct fz_run *r, const struct fz_ep *e, size_t len,
        bool *safe) {
    *safe = fz_inflight(r, e) + len <= FZ_SAFE_INFLIGHT && e->sends < FZ_SAFE_SENDS;
    if(e->out_done)
        return FZ_MUST_FAIL("after-done", EPIPE);
    if(e->out_dead)
        return FZ_MUST_FAIL(e->fd_failed ? "after-fd-call-failure" : "after-failure", 0);
    if(!fz_peer_alive(r, e)) {
        *safe = false;
        return FZ_EITHER("peer-closed", EPIPE, ECONNRESET);
    }
    return *safe ? FZ_MUST_SUCCEED("room") : FZ_EITHER("maybe-full", ETIMEDOUT);
}

/* The model after a send of `len` bytes (an fd's byte when `fd_call`). */
static void account_send(struct fz_ep *e, bool ok, uint32_t len, bool fd_call) {
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
void fz_op_send(struct fz_run *r, const struct fz_op *op, bool list) {
    enum dc_fn fn = list ? DC_BSENDL : DC_BSEND;
    int h;
    bool skip, safe = true;
    struct fz_expect x;
    struct fz_ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    if(e)
        x = send_expect(r, e, op->len, &safe);
    static uint8_t buf[4096];
    if(e)
        fz_fill_pattern(buf, op->len, (int)(e - r->eps), e->sent);
    struct iolist iol[4], copy[4];
    int pieces = build_list(iol, buf, op->len, 1 + op->flags % 4, false);
    memcpy(copy, iol, sizeof(iol));
    int64_t dl = fz_deadline(r, op->dl, safe);
    int rc = list ? bsendl(h, &iol[0], &iol[pieces - 1], dl) : bsend(h, buf, op->len, dl);
    int err = errno;
    if(list && r->mode == FZ_ORACLE && memcmp(copy, iol, sizeof(iol)) != 0)
        fz_call_finding(fn, "list", "modified", "the caller's list changed");
    bool ok = fz_judge(r, fn, &x, rc, err, false);
    if(e)
        account_send(e, ok, (uint32_t)op->len, false);
}

/* FNV-1a over the bytes the list's buffers received (NULL bases skip). */
static uint32_t checksum(const struct iolist *iol, int pieces) {
    uint32_t sum = 2166136261u;
    for(int i = 0; i < pieces; i++)
        if(iol[i].iol_base)
            sum = fz_fnv1a(sum, iol[i].iol_base, iol[i].iol_len);
    return sum;
}

/* Bytes received at `pos` onwards must be the peer's pattern: "Nothing is
 * lost".  NULL-based pieces were skipped (brecvl(3)). */
static void check_bytes(struct fz_run *r, enum dc_fn fn, const struct fz_ep *e,
        const struct iolist *iol, int pieces, uint32_t pos) {
    if(r->mode != FZ_ORACLE || e->peer == FZ_NONE || r->lost)
        return;
    for(int i = 0; i < pieces; i++) {
        const uint8_t *p = iol[i].iol_base;
        size_t k = p ? fz_pattern_matches(p, iol[i].iol_len, e->peer, pos) : iol[i].iol_len;
        if(k < iol[i].iol_len)
            fz_call_finding(fn, "bytes", "wrong-bytes",
                "byte %u of the stream is not the byte sent", (unsigned)(pos + k));
        pos += (uint32_t)iol[i].iol_len;
    }
}

/* brecv(3)/brecvl(3): "no such thing as partial receive"; EPIPE once the
 * peer's outbound half is closed and its data read (ipc_done(3)); EBUSY
 * while another coroutine receives. */
static struct fz_expect recv_expect(struct fz_run *r, const struct fz_ep *e, size_t len,
        bool *safe) {
    uint32_t avail = fz_available(r, e);
    bool unknown = e->peer != FZ_NONE && r->eps[e->peer].sent_unknown;
    *safe = true;
    if(e->busy_cell != FZ_NONE)
        return FZ_MUST_FAIL("busy", EBUSY);
    if(e->in_dead)
        return FZ_MUST_FAIL(e->fd_failed ? "after-fd-call-failure" : "after-failure", 0);
    if(e->in_unsure) {
        *safe = avail >= len;
        return FZ_EITHER("after-eproto", 0);
    }
    /* Queued data is read before a closed peer's EOF or reset shows. */
    if(avail >= len)
        return FZ_MUST_SUCCEED("data-waiting");
    if(!fz_peer_alive(r, e))
        return FZ_EITHER("peer-closed", EPIPE, ECONNRESET);
    if(unknown) {
        *safe = false;
        return FZ_EITHER("peer-send-failed", ETIMEDOUT, EPIPE, ECONNRESET);
    }
    if(e->peer != FZ_NONE && r->eps[e->peer].out_done)
        return FZ_MUST_FAIL("peer-done", EPIPE);
    *safe = false;
    return FZ_MUST_FAIL("would-block", ETIMEDOUT);
}

void fz_op_recv(struct fz_run *r, const struct fz_op *op, bool list) {
    enum dc_fn fn = list ? DC_BRECVL : DC_BRECV;
    int h;
    bool skip, safe = true;
    struct fz_expect x;
    struct fz_ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    bool null_buf = (op->flags & FZ_FLAG_SKIP) != 0;
    char situation[48];
    if(e && fz_fd_ahead(r, e, e->rcvd, op->len))
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
    int64_t dl = fz_deadline(r, op->dl, safe);
    int rc = list ? brecvl(h, &iol[0], &iol[pieces - 1], dl)
                  : brecv(h, iol[0].iol_base, op->len, dl);
    int err = errno;
    if(list && r->mode == FZ_ORACLE && memcmp(copy, iol, sizeof(iol)) != 0)
        fz_call_finding(fn, "list", "modified", "the caller's list changed");
    bool ok = fz_judge(r, fn, &x, rc, err, false);
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
void fz_op_sendfd(struct fz_run *r, const struct fz_op *op) {
    int h;
    bool skip, bad_fd = (op->flags & FZ_FLAG_SKIP) != 0, safe = true;
    struct fz_expect x;
    struct fz_ep *e = conn_operand(r, op->a, &h, &x, &skip);
    /* A coroutine blocked in brecv on the other end would take the byte. */
    if(skip || (e && (e->nfds == 8 ||
            (e->peer != FZ_NONE && r->eps[e->peer].busy_cell != FZ_NONE))))
        return;
    /* A target known to die of SIGPIPE here is spared the call. */
    if(e && !bad_fd && !fz_peer_alive(r, e) && fz_known("ipc_sendfd/peer-closed/crash")) {
        fz_skip_step(r);
        return;
    }
    if(e)
        x = bad_fd ? FZ_MUST_FAIL("bad-fd", EINVAL) : send_expect(r, e, 1, &safe);
    int p[2] = {-1, -1};
    if(!bad_fd && pipe(p) != 0)
        return;
    int rc = ipc_sendfd(h, bad_fd ? -1 : p[0], fz_deadline(r, op->dl, safe));
    bool ok = fz_judge(r, DC_IPC_SENDFD, &x, rc, errno, false);
    if(p[0] >= 0) {
        close(p[0]);      /* the caller keeps its own copy: closing it is ours */
        close(p[1]);
    }
    if(e && !bad_fd)
        account_send(e, ok, 1, true);
}

/* ipc_recvfd: the fd sent at this point of the stream, EPROTO when the byte
 * here came without one; otherwise as a 1-byte brecv. */
void fz_op_recvfd(struct fz_run *r, const struct fz_op *op) {
    int h;
    bool skip, safe = true, carries = false;
    struct fz_expect x;
    struct fz_ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    if(e) {
        carries = fz_fd_ahead(r, e, e->rcvd, 1);
        x = recv_expect(r, e, 1, &safe);
        if(x.may_succeed && !x.may_fail && !carries)
            x = FZ_MUST_FAIL("byte-without-fd", EPROTO);
    }
    /* A target known to hang here (its receive buffer took the byte and
     * dropped the fd) is never asked to wait without a deadline. */
    if(fz_known("ipc_recvfd/deadline-infinite/hang"))
        safe = false;
    int fd = ipc_recvfd(h, fz_deadline(r, op->dl, safe));
    int err = errno;
    bool ok = fz_judge(r, DC_IPC_RECVFD, &x, fd, err, true);
    if(ok) {
        if(r->mode == FZ_ORACLE && !r->lost && fcntl(fd, F_GETFD) < 0)
            fz_call_finding(DC_IPC_RECVFD, "fd-sent", "not-open",
                "returned %d, not an open fd", fd);
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
void fz_op_done(struct fz_run *r, const struct fz_op *op) {
    int h;
    bool skip;
    struct fz_expect x;
    struct fz_ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    if(e)
        x = e->out_done ? FZ_MUST_FAIL("after-done", EPIPE)
          : e->out_dead || !fz_peer_alive(r, e) ? FZ_EITHER("after-failure", 0)
          : FZ_MUST_SUCCEED("open");
    int rc = ipc_done(h, fz_deadline(r, op->dl, true));
    if(fz_judge(r, DC_IPC_DONE, &x, rc, errno, false) && e)
        e->out_done = true;
}
