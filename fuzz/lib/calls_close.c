/* Closing: hclose(3) of any operand, ipc_close(3), and the closing of
 * every object the program left open, coroutines first, each judged as
 * the pages promise (the model's bookkeeping of a closed object is
 * fz_forget, model.c). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libdill.h>

#include "model.h"

/* hclose(3): "closes a handle"; on a coroutine, go(3): "the coroutine is
 * canceled", and its blocking calls fail with ECANCELED from then on.  A
 * call still blocked when hclose came fails with ECANCELED even if its
 * event (its byte, or the peer's end) had already arrived: the coroutine had
 * not run again, and cancellation wins (ref/README reading 17; the
 * conformance rows brecv/ECANCELED/same-step-as-event and
 * ipc_close/ECANCELED/same-step-as-event). */
static void close_coroutine(struct fz_run *r, int s) {
    struct fz_cell *c = &r->cells[r->slots[s].cell];
    bool was_blocked = !c->done;
    int rc = hclose(r->slots[s].h);
    int err = errno;
    fz_judge(r, DC_HCLOSE, &FZ_MUST_SUCCEED("coroutine"), rc, err, false);
    fz_forget(r, s);
    if(r->mode != FZ_ORACLE || r->lost)
        return;
    if(!c->done)
        fz_call_finding(DC_HCLOSE, "coroutine", "still-running",
            "hclose returned before the coroutine finished");
    bool canceled = c->rc == -1 && c->err == ECANCELED;
    if(was_blocked && !canceled)
        fz_call_finding(DC_BRECV, "canceled-while-blocked", dc_errname(c->rc ? c->err : 0),
            "blocked brecv returned %d/%s after hclose of its coroutine",
            c->rc, dc_errname(c->err));
    if(canceled) {
        if(c->after_rc != -1 || c->after_err != ECANCELED)
            fz_call_finding(DC_MSLEEP, "after-cancel", dc_errname(c->after_rc ? c->after_err : 0),
                "a later msleep in the canceled coroutine returned %d/%s",
                c->after_rc, dc_errname(c->after_err));
        if(c->pair_rc != -1 || c->pair_err != ECANCELED)
            fz_call_finding(DC_IPC_PAIR, "after-cancel", dc_errname(c->pair_rc ? c->pair_err : 0),
                "ipc_pair in the canceled coroutine returned %d/%s",
                c->pair_rc, dc_errname(c->pair_err));
    }
    if(c->rc == 0 && !c->byte_ok)
        fz_call_finding(DC_BRECV, "coroutine", "wrong-bytes",
            "the byte a coroutine received is not the byte sent");
}

/* A connection must not be closed under a coroutine blocked on it (what
 * happens then is not in the pages), so that coroutine goes first. */
static void release_receiver(struct fz_run *r, int s) {
    if(r->slots[s].kind != FZ_CONN)
        return;
    int c = r->eps[r->slots[s].ep].busy_cell;
    for(int i = 0; c != FZ_NONE && i < FZ_NSLOTS; i++)
        if(r->slots[i].kind == FZ_COROUTINE && r->slots[i].cell == c)
            close_coroutine(r, i);
}

void fz_close_slot(struct fz_run *r, int s) {
    if(r->slots[s].kind == FZ_COROUTINE) {
        close_coroutine(r, s);
        return;
    }
    release_receiver(r, s);
    int rc = hclose(r->slots[s].h);
    fz_judge(r, DC_HCLOSE, &FZ_MUST_SUCCEED("live"), rc, errno, false);
    fz_forget(r, s);
}

/* ipc_close(3): the terminal handshake (done, then wait for the peer's
 * done); "The socket is closed even in the case of error"; on a listener
 * "equivalent to calling hclose". */
void fz_op_ipc_close(struct fz_run *r, const struct fz_op *op) {
    int h, s;
    if(!fz_resolve(r, op->a, &h, &s))
        return;
    struct fz_expect x;
    bool safe = true;
    if(s == FZ_NONE) {
        x = FZ_MUST_FAIL("bad-handle", EBADF);
    } else if(r->slots[s].kind == FZ_LISTENER) {
        x = FZ_MUST_SUCCEED("listener");
    } else if(r->slots[s].kind != FZ_CONN) {
        x = FZ_MUST_FAIL("not-ipc", ENOTSUP);
    } else {
        struct fz_ep *e = &r->eps[r->slots[s].ep];
        r->after_fd = e->fd_failed || e->in_unsure;
        /* The peer's done ends its stream whatever a failed send of its
         * left behind: the handshake drains bytes it need not count. */
        bool peer_done = e->peer != FZ_NONE && r->eps[e->peer].out_done;
        /* It waits for the peer's done: -1 only when that has come. */
        safe = peer_done || !fz_peer_alive(r, e);
        if(e->out_done || e->out_dead || e->in_dead || e->in_unsure ||
                e->busy_cell != FZ_NONE)
            x = FZ_EITHER("after-failure", 0);
        else if(!fz_peer_alive(r, e))
            x = FZ_EITHER("peer-closed", ECONNRESET);
        else if(peer_done)
            x = FZ_MUST_SUCCEED("peer-done");
        else
            x = FZ_MUST_FAIL("peer-open", ETIMEDOUT);
        release_receiver(r, s);
    }
    int rc = ipc_close(h, fz_deadline(r, op->dl, safe));
    fz_judge(r, DC_IPC_CLOSE, &x, rc, errno, false);
    if(s != FZ_NONE && r->slots[s].kind == FZ_CONN && fz_known("ipc_close/dangling-handle/crash"))
        fz_poison(h);
    if(s != FZ_NONE && (r->slots[s].kind == FZ_CONN || r->slots[s].kind == FZ_LISTENER)) {
        if(r->slots[s].kind == FZ_CONN)
            r->eps[r->slots[s].ep].out_done = true;
        fz_forget(r, s);
    }
}

/* hclose(3) of any operand: EBADF for what is not a handle. */
void fz_op_hclose(struct fz_run *r, const struct fz_op *op) {
    int h, s;
    if(!fz_resolve(r, op->a, &h, &s))
        return;
    if(s != FZ_NONE) {
        fz_close_slot(r, s);
        return;
    }
    int rc = hclose(h);
    fz_judge(r, DC_HCLOSE, &FZ_MUST_FAIL("bad-handle", EBADF), rc, errno, false);
}
