/* The calls on connections: bsend, bsendl, brecv, brecvl and ipc_done
 * (fd passing is calls_fd.c's, closing calls_close.c's), and what the pages
 * promise of a send and a receive, which those files use too.  Each clause
 * is named beside the code that encodes it. */
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
struct fz_ep *fz_conn_operand(struct fz_run *r, uint8_t v, int *h,
        struct fz_expect *x, bool *skip) {
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
    r->on_accepting = e->accepting;
    return e;
}

/* What a send of `len` bytes on `e` may do (bsend(3): "There is no such
 * thing as partial send"; after a failure "the socket cannot be used for
 * sending from that point on"; ipc_done(3) ends the outbound half), and
 * whether it is sure to complete without waiting. */
struct fz_expect fz_send_expect(struct fz_run *r, const struct fz_ep *e, size_t len,
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

void fz_account_send(struct fz_ep *e, bool ok, uint32_t len, bool fd_call) {
    e->sends++;
    if(ok) {
        e->sent += len;
    } else if(!e->out_done) {
        e->fd_failed |= fd_call && !e->out_dead;
        e->out_dead = true;
        e->sent_unknown = true;   /* part of it may have gone */
    }
}

/* The buffer a bsend/bsendl or brecv/brecvl operation passes (program.h's
 * list shapes; a NULL buffer for brecv's FZ_FLAG_SKIP). */
static void op_buffer(struct fz_buf *b, const struct fz_op *op, bool list,
        bool receiving) {
    static uint8_t mem[FZ_LIST_ROOM];
    if(list)
        fz_buf_list(b, mem, op->len, op->flags, receiving);
    else
        fz_buf_plain(b, mem, op->len, receiving && (op->flags & FZ_FLAG_SKIP));
}

/* bsend(3)/bsendl(3), with the caller's list checked unchanged. */
void fz_op_send(struct fz_run *r, const struct fz_op *op, bool list) {
    enum dc_fn fn = list ? DC_BSENDL : DC_BSEND;
    int h;
    bool skip, safe = true;
    struct fz_expect x;
    struct fz_ep *e = fz_conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    if(e)
        x = fz_send_expect(r, e, op->len, &safe);
    static struct fz_buf b;
    op_buffer(&b, op, list, false);
    char situation[48];
    /* Its own key: a target that sends until no item is left may wait on
     * a last item that is empty, after its last byte (libdill's does), and
     * one known to wait so is never asked to wait without a deadline. */
    if(list && b.iol[b.n - 1].iol_len == 0) {
        snprintf(situation, sizeof(situation), "%s-ends-empty", x.situation);
        x.situation = situation;
        if(fz_known("bsendl/deadline-infinite-ends-empty/hang"))
            safe = false;
    }
    if(e)
        fz_buf_fill(&b, (int)(e - r->eps), e->sent);
    int64_t dl = fz_deadline(r, op->dl, safe);
    int rc = list ? bsendl(h, &b.iol[0], &b.iol[b.n - 1], dl)
                  : bsend(h, b.iol[0].iol_base, op->len, dl);
    int err = errno;
    fz_check_list(r, fn, &b, rc, err);
    bool ok = fz_judge(r, fn, &x, rc, err, false);
    fz_note_list(r, &b);
    if(e)
        fz_account_send(e, ok, (uint32_t)op->len, false);
}

/* FNV-1a over the bytes the buffer's items received (NULL bases skip). */
static uint32_t checksum(const struct fz_buf *b) {
    uint32_t sum = 2166136261u;
    for(int i = 0; i < b->n; i++)
        if(b->iol[i].iol_base)
            sum = fz_fnv1a(sum, b->mem + b->items[i].at, b->items[i].len);
    return sum;
}

/* brecv(3)/brecvl(3): "no such thing as partial receive"; EPIPE once the
 * peer's outbound half is closed and its data read (ipc_done(3)); EBUSY
 * while another coroutine receives.  That nothing arrives before it was
 * sent, nor after the end, is these promises: "would-block" and
 * "peer-done" must fail. */
struct fz_expect fz_recv_expect(struct fz_run *r, const struct fz_ep *e, size_t len,
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

void fz_account_recv(struct fz_ep *e, bool ok, uint32_t len) {
    if(ok)
        e->rcvd += len;
    else
        e->in_dead = true;
}

void fz_op_recv(struct fz_run *r, const struct fz_op *op, bool list) {
    enum dc_fn fn = list ? DC_BRECVL : DC_BRECV;
    int h;
    bool skip, safe = true;
    struct fz_expect x;
    struct fz_ep *e = fz_conn_operand(r, op->a, &h, &x, &skip);
    if(skip || (e && fz_fd_ahead(r, e, e->rcvd, op->len)))
        return;
    static struct fz_buf b;
    op_buffer(&b, op, list, true);
    if(e)
        x = fz_recv_expect(r, e, op->len, &safe);
    char situation[48];
    /* Its own key: a target may treat skipping apart. */
    if(list ? fz_buf_skips(&b) : (op->flags & FZ_FLAG_SKIP) != 0) {
        snprintf(situation, sizeof(situation), "%s-null-buffer", x.situation);
        x.situation = situation;
    }
    bool judged = e && e->peer != FZ_NONE && !r->lost;
    if(judged)
        fz_buf_prime(&b, e->peer, e->rcvd);
    int64_t dl = fz_deadline(r, op->dl, safe);
    int rc = list ? brecvl(h, &b.iol[0], &b.iol[b.n - 1], dl)
                  : brecv(h, b.iol[0].iol_base, op->len, dl);
    int err = errno;
    if(rc != 0 && judged && r->mode == FZ_ORACLE)
        fz_buf_check_overrun(r, fn, &b);
    fz_check_list(r, fn, &b, rc, err);
    bool ok = fz_judge(r, fn, &x, rc, err, false);
    fz_note_list(r, &b);
    if(ok && r->step)
        r->step->sum = checksum(&b);
    if(!e || (rc == -1 && err == EBUSY))
        return;
    if(ok && judged && !r->lost)
        fz_buf_check(r, fn, &b, e->peer, e->rcvd);
    fz_account_recv(e, ok, (uint32_t)op->len);
}

/* ipc_done(3): closes the outbound half; a second call has nothing left to
 * close (EPIPE). */
void fz_op_done(struct fz_run *r, const struct fz_op *op) {
    int h;
    bool skip;
    struct fz_expect x;
    struct fz_ep *e = fz_conn_operand(r, op->a, &h, &x, &skip);
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
