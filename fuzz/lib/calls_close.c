/* Closing: hclose(3) of any operand, ipc_close(3), an fd the program owns
 * (fdclean(3), then close), and the closing of every object the program
 * left open, coroutines first, each judged as the pages promise (the
 * model's bookkeeping of a closed object is fz_forget, model.c; what the
 * coroutines of a closed bundle, or those waiting on a closed object, saw
 * is judged in cells.c). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <libdill.h>

#include "model.h"

/* hclose(3) of a bundle, go's or bundle()'s: bundle(3): "all the
 * coroutines within the bundle will be canceled ... The hclose() function
 * itself won't exit until all the coroutines in the bundle exit"; go(3):
 * their blocking calls fail with ECANCELED from then on.  A call still
 * blocked when hclose came fails with ECANCELED even if its event (its
 * byte, the peer's end, its deadline) had already come: the coroutine had
 * not run again, and cancellation wins (ref/README reading 17; the
 * conformance rows brecv/ECANCELED/same-step-as-event and
 * ipc_close/ECANCELED/same-step-as-event).  Coroutines elsewhere in
 * bundle_wait on it fail with EBADF (reading 14).  What each coroutine's
 * call did is judged in cells.c. */
/* A target known to abort when a coroutine in bundle_wait is canceled
 * while the last coroutine of the bundle it waits on is ready to run, and
 * ends before the canceled one has run ("bundle_wait/canceled-as-last-ends/
 * crash": both wake the same waiter) first lets every ready coroutine run
 * (one yield, which moves no clock), so that the bundle's coroutines that
 * can end do, and its waiter is woken before it is canceled. */
static void spare_waiters(struct fz_run *r, int s) {
    bool waiting = false;
    FZ_EACH_CELL(r, s, c) {
        const struct fz_cell *cell = &r->cells[c];
        if(cell->body != FZ_BODY_WAIT || cell->done || cell->on == FZ_NONE)
            continue;
        FZ_EACH_CELL(r, cell->on, k)
            waiting |= !r->cells[k].done;
    }
    if(waiting && fz_known("bundle_wait/canceled-as-last-ends/crash"))
        yield();
}

static void close_bundle(struct fz_run *r, int s) {
    struct fz_expect x = r->slots[s].kind == FZ_COROUTINE ? FZ_MUST_SUCCEED("coroutine")
                                                         : FZ_MUST_SUCCEED("live");
    spare_waiters(r, s);
    fz_cells_cancel(r, s);
    fz_cells_closed_under(r, s);
    r->closing = s;
    int rc = hclose(r->slots[s].h);
    int err = errno;
    r->closing = FZ_NONE;
    fz_judge(r, DC_HCLOSE, &x, rc, err, false);
    bool running = false;
    FZ_EACH_CELL(r, s, c)
        running |= !r->cells[c].done;
    fz_forget(r, s);
    if(r->mode == FZ_ORACLE && !r->lost && running)
        fz_call_finding(DC_HCLOSE, "coroutine", "still-running",
            "hclose returned before the coroutine finished");
    fz_settle(r);
    FZ_EACH_CELL(r, s, c)
        r->cells[c].gone = true;
}

/* A connection must not be closed under a coroutine blocked on it (what
 * happens then is not in the pages), so that coroutine goes first. */
static void release_receiver(struct fz_run *r, int s) {
    if(r->slots[s].kind != FZ_CONN)
        return;
    int c = r->eps[r->slots[s].ep].busy_cell;
    if(c != FZ_NONE && r->cells[c].owner != FZ_NONE &&
            r->slots[r->cells[c].owner].kind != FZ_EMPTY)
        close_bundle(r, r->cells[c].owner);
}

void fz_release_raw(struct fz_run *r, int raw) {
    for(int c = 0; c < r->ncells; c++) {
        const struct fz_cell *cell = &r->cells[c];
        if((cell->body == FZ_BODY_FDIN || cell->body == FZ_BODY_FDOUT) && cell->on == raw &&
                !cell->done && !cell->gone && cell->owner != FZ_NONE &&
                r->slots[cell->owner].kind != FZ_EMPTY)
            close_bundle(r, cell->owner);
    }
}

/* fdclean(3): "It has to be called before the file descriptor is closed";
 * it returns nothing (ref/README reading 12), so nothing is judged here:
 * what it promises shows in the calls on the fd, or on the next fd to get
 * its number, that follow. */
void fz_raw_close(struct fz_run *r, int s) {
    struct fz_raw *w = &r->raws[r->slots[s].raw];
    fz_release_raw(r, r->slots[s].raw);
    fdclean(w->fd);
    close(w->fd);
    fz_forget(r, s);
    fz_cells_event(r, FZ_BODY_FDIN, w->peer);    /* end of file there */
    fz_cells_event(r, FZ_BODY_FDOUT, w->peer);   /* and a broken pipe */
}

/* A listener another coroutine accepts on: reading 14, that ipc_accept
 * fails with EBADF (libdill #236, #129: the fd number then goes to the
 * next socket, which must work as any other).  A target known to crash
 * here ("<fn>/listener-while-accepting/crash") has the coroutine canceled
 * first. */
static void closing_listener(struct fz_run *r, int s, enum dc_fn fn) {
    if(r->slots[s].kind != FZ_LISTENER)
        return;
    char key[64];
    snprintf(key, sizeof(key), "%s/listener-while-accepting/crash", dc_fn_name(fn));
    for(int c = 0; c < r->ncells; c++) {
        const struct fz_cell *cell = &r->cells[c];
        if(cell->body == FZ_BODY_ACCEPT && cell->on == s && !cell->done && !cell->gone &&
                fz_known(key) && cell->owner != FZ_NONE &&
                r->slots[cell->owner].kind != FZ_EMPTY)
            close_bundle(r, cell->owner);
    }
    fz_cells_closed_under(r, s);
}

void fz_close_slot(struct fz_run *r, int s) {
    enum fz_kind k = r->slots[s].kind;
    if(k == FZ_COROUTINE || k == FZ_BUNDLE) {
        close_bundle(r, s);
        return;
    }
    if(k == FZ_RAW) {
        fz_raw_close(r, s);
        return;
    }
    release_receiver(r, s);
    closing_listener(r, s, DC_HCLOSE);
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
        r->on_accepting = e->accepting;
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
    if(s != FZ_NONE)
        closing_listener(r, s, DC_IPC_CLOSE);
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
