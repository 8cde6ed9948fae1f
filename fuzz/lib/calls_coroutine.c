/* Coroutines and the core's calls: go(3), go_mem(3), bundle_go(3) and
 * bundle_go_mem(3) of one blocking call each (brecv, ipc_accept, msleep,
 * fdin, fdout, bundle_wait), and msleep(3), yield(3) and bundle_wait(3)
 * in the main coroutine.  A coroutine writes down what its call did;
 * cells.c judges it, calls_close.c cancels it. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libdill.h>

#include "model.h"
#include "vtime.h"

/* A coroutine's own stack for go_mem/bundle_go_mem: ample for the call,
 * its checks and a sanitizer's redzones. */
#define FZ_STACK (256 * 1024)

/******************************************************************************/
/*  What a coroutine does                                                     */
/******************************************************************************/

/* A pipe nothing is ever written to, for a canceled coroutine's fdin.
 * Made at the warm-up (fz_warm_up), so the fd count does not see it. */
static int quiet_pipe[2] = {-1, -1};

void fz_make_quiet_pipe(void) {
    if(quiet_pipe[0] < 0 && pipe(quiet_pipe) != 0)
        quiet_pipe[0] = quiet_pipe[1] = -1;
}

/* go(3): "When the coroutine is canceled all the blocking calls within the
 * coroutine will start failing with ECANCELED": every later one, not only
 * the first (msleep(3), yield(3), fdin(3), ipc_pair(3) list ECANCELED). */
static void after_cancel(struct fz_cell *cell) {
    cell->after_rc[0] = msleep(now() + 50);
    cell->after_err[0] = errno;
    cell->after_rc[1] = yield();
    cell->after_err[1] = errno;
    if(quiet_pipe[0] >= 0) {
        cell->after_rc[2] = fdin(quiet_pipe[0], now() + 50);
        cell->after_err[2] = errno;
        fdclean(quiet_pipe[0]);
    } else {
        cell->after_rc[2] = -1, cell->after_err[2] = ECANCELED;
    }
    int pair[2];
    cell->after_rc[3] = ipc_pair(pair);
    cell->after_err[3] = errno;
    if(cell->after_rc[3] == 0) {
        hclose(pair[0]);
        hclose(pair[1]);
    }
}

/* Receives one byte with no deadline (FZ_OP_GO_RECV). */
static int body_recv(struct fz_run *r, struct fz_cell *cell) {
    struct fz_ep *e = &r->eps[cell->ep];
    uint8_t byte = 0;
    int rc = brecv(cell->h, &byte, 1, -1);
    if(rc == 0) {
        cell->byte_ok = e->peer != FZ_NONE && byte == fz_pattern(e->peer, e->rcvd);
        e->rcvd++;
    } else {
        e->in_dead = true;
    }
    e->busy_cell = FZ_NONE;
    return rc;
}

/* Accepts one connection and closes it at once (FZ_OP_GO_ACCEPT); the
 * model learns of it when the executor settles (cells.c). */
static int body_accept(struct fz_cell *cell) {
    int c = ipc_accept(cell->h, cell->deadline);
    if(c < 0)
        return -1;
    hclose(c);
    return 0;
}

static coroutine void run_cell(struct fz_run *r, int c) {
    struct fz_cell *cell = &r->cells[c];
    fz_cell_arm(r, c);
    int rc;
    switch(cell->body) {
    case FZ_BODY_RECV: rc = body_recv(r, cell); break;
    case FZ_BODY_SLEEP: rc = msleep(cell->deadline); break;
    case FZ_BODY_FDIN: rc = fdin(cell->h, cell->deadline); break;
    case FZ_BODY_FDOUT: rc = fdout(cell->h, cell->deadline); break;
    case FZ_BODY_WAIT: rc = bundle_wait(cell->h, cell->deadline); break;
    default: rc = body_accept(cell); break;
    }
    int err = errno;
    fz_cell_end(r, c, rc, err);
    if(rc == -1 && err == ECANCELED)
        after_cancel(cell);
}

/******************************************************************************/
/*  Starting one                                                              */
/******************************************************************************/

int fz_new_cell(struct fz_run *r, enum fz_body body, enum dc_fn fn) {
    if(r->ncells == FZ_MAX_OPS)
        return FZ_NONE;
    int c = r->ncells++;
    r->cells[c] = (struct fz_cell){.body = body, .fn = fn, .owner = FZ_NONE, .ep = FZ_NONE,
        .h = -1, .on = FZ_NONE, .deadline = -1, .armed_vt = -1, .end_vt = -1,
        .event_vt = -1, .earlier = FZ_NONE};
    return c;
}

/* The slot of a bundle for bundle_go: slot b, when it holds one. */
static int bundle_slot(const struct fz_run *r, uint8_t b) {
    int s = b % FZ_NSLOTS;
    enum fz_kind k = r->slots[s].kind;
    return k == FZ_BUNDLE || k == FZ_COROUTINE ? s : FZ_NONE;
}

/* go_mem's stacks, kept from one program to the next: every coroutine a
 * program started is closed before fz_execute returns (as the storage it
 * used to free then), so the next program may reuse its stack, instead of
 * a fresh 256 KiB block (an mmap, and its shadow under ASan) per go_mem. */
static void *stacks[FZ_MAX_OPS];

static void *stack_for(struct fz_run *r, const struct fz_op *op) {
    if(!(op->flags & FZ_FLAG_MEM) || r->nstacks == FZ_MAX_OPS)
        return NULL;
    void **s = &stacks[r->nstacks];
    if(!*s && !(*s = malloc(FZ_STACK)))
        return NULL;
    r->nstacks++;
    return *s;
}

/* A call given a number no slot held (0, a closed number) that is the
 * coroutine's own new handle, reused: it acts on its own bundle, which
 * the model learns only once go returned.  A bundle_wait then waits on
 * it until it is closed; an ipc_accept fails at once with ENOTSUP. */
static void own_handle(struct fz_run *r, int c, int h, int slot) {
    struct fz_cell *cell = &r->cells[c];
    if(!cell->bad_err || cell->h != h)
        return;
    if(cell->body == FZ_BODY_WAIT) {
        cell->bad_err = 0;
        cell->on = slot;
    } else if(cell->body == FZ_BODY_ACCEPT) {
        cell->bad_err = ENOTSUP;
    }
}

/* Whether a coroutine in bundle_wait on slot `s` has been woken, every
 * coroutine of the bundle having ended, but has not run yet. */
static bool waiter_woken(struct fz_run *r, int s) {
    bool waiter = false;
    for(int c = 0; c < r->ncells; c++) {
        const struct fz_cell *cell = &r->cells[c];
        waiter |= cell->body == FZ_BODY_WAIT && cell->on == s && !cell->done && !cell->gone;
    }
    if(!waiter)
        return false;
    FZ_EACH_CELL(r, s, c)
        if(!r->cells[c].done)
            return false;
    return true;
}

/* A target known to abort when a coroutine started in a bundle whose
 * waiter was woken ends before that waiter has run ("bundle_wait/
 * woken-as-new-coroutine-ends/crash": the bundle's end wakes the same
 * waiter twice) is spared that bundle_go. */
static bool spared_bundle_go(struct fz_run *r, int into) {
    return into != FZ_NONE && waiter_woken(r, into) &&
        fz_known("bundle_wait/woken-as-new-coroutine-ends/crash");
}

void fz_go_cell(struct fz_run *r, const struct fz_op *op, int c) {
    int into = bundle_slot(r, op->b), slot = into;
    if(spared_bundle_go(r, into)) {
        r->ncells--;
        fz_skip_step(r);
        return;
    }
    if(into == FZ_NONE && (slot = fz_free_slot(r, op->b)) == FZ_NONE) {
        r->ncells--;      /* the last cell made, never started */
        return;
    }
    r->cells[c].owner = slot;
    void *stk = stack_for(r, op);
    int h, rc;
    if(into != FZ_NONE) {
        int b = r->slots[into].h;
        rc = stk ? bundle_go_mem(b, run_cell(r, c), stk, FZ_STACK)
                 : bundle_go(b, run_cell(r, c));
        fz_judge(r, stk ? DC_BUNDLE_GO_MEM : DC_BUNDLE_GO, &FZ_MUST_SUCCEED("live-bundle"),
            rc, errno, false);
    } else {
        h = stk ? go_mem(run_cell(r, c), stk, FZ_STACK) : go(run_cell(r, c));
        rc = h;
        if(fz_judge(r, stk ? DC_GO_MEM : DC_GO, &FZ_MUST_SUCCEED("always"), h, errno, true)) {
            fz_set_slot(r, slot, FZ_COROUTINE, h, NULL);
            own_handle(r, c, h, slot);
        }
    }
    if(rc < 0)
        r->cells[c].gone = true;   /* never ran */
}

/* go(brecv(a, 1 byte, -1)) -> slot b: a receiver a later hclose cancels
 * (go(3) into a slot of its own, as this operation always did). */
void fz_op_go_recv(struct fz_run *r, const struct fz_op *op) {
    int h, s, slot = fz_free_slot(r, op->b);
    if(r->mode != FZ_ORACLE || slot == FZ_NONE || !fz_resolve(r, op->a, &h, &s))
        return;
    if(s == FZ_NONE || r->slots[s].kind != FZ_CONN)
        return;
    struct fz_ep *e = &r->eps[r->slots[s].ep];
    if(e->busy_cell != FZ_NONE || fz_fd_ahead(r, e, e->rcvd, SIZE_MAX))
        return;
    int c = fz_new_cell(r, FZ_BODY_RECV, DC_BRECV);
    if(c == FZ_NONE)
        return;
    r->cells[c].ep = r->slots[s].ep;
    r->cells[c].h = h;
    r->cells[c].owner = slot;
    e->busy_cell = c;
    int cr = go(run_cell(r, c));
    if(cr < 0) {
        e->busy_cell = FZ_NONE;
        r->cells[c].gone = true;
        return;
    }
    fz_set_slot(r, slot, FZ_COROUTINE, cr, NULL);
}

/* go(ipc_accept(a, deadline)): the listener operand decides what the call
 * may do; a bad one fails at once. */
void fz_op_go_accept(struct fz_run *r, const struct fz_op *op) {
    int h, s;
    if(r->mode != FZ_ORACLE || !fz_resolve(r, op->a, &h, &s))
        return;
    int c = fz_new_cell(r, FZ_BODY_ACCEPT, DC_IPC_ACCEPT);
    if(c == FZ_NONE)
        return;
    struct fz_cell *cell = &r->cells[c];
    cell->h = h;
    if(s == FZ_NONE)
        cell->bad_err = EBADF;
    else if(r->slots[s].kind != FZ_LISTENER)
        cell->bad_err = ENOTSUP;
    else
        cell->on = s;
    /* One coroutine accepts on a listener at a time (a second would get
     * the EBUSY ipc_accept(3) does not list), and never the main one then. */
    for(int k = 0; k < r->ncells - 1 && cell->on != FZ_NONE; k++)
        if(r->cells[k].body == FZ_BODY_ACCEPT && r->cells[k].on == s && !r->cells[k].done &&
                !r->cells[k].gone) {
            r->ncells--;
            return;
        }
    /* -1 in a coroutine: only cancellation, or a connection, ends it. */
    cell->deadline = fz_deadline_in(r, op->dl, true, fz_delay_ms(op->len));
    r->call.set = false;    /* a coroutine's deadline, not the main one's */
    fz_go_cell(r, op, c);
}

/******************************************************************************/
/*  The core's calls in the main coroutine                                    */
/******************************************************************************/

void fz_op_yield(struct fz_run *r, const struct fz_op *op) {
    if(r->mode != FZ_ORACLE)
        return;
    int rc = (op->len & 1) ? msleep(now() + 1) : yield();
    if(rc != 0)
        fz_finding("yield/always/failed", "yield or msleep failed: %s",
            dc_errname(errno));
}

/* msleep(3): "blocks until the deadline expires"; 0 then.  Deadline -1,
 * which only cancellation ends, and FZ_FLAG_GO sleep in a coroutine. */
void fz_op_msleep(struct fz_run *r, const struct fz_op *op) {
    bool in_coroutine = (op->flags & FZ_FLAG_GO) || op->dl == FZ_DL_INFINITE;
    if(in_coroutine) {
        int c = r->mode == FZ_ORACLE ? fz_new_cell(r, FZ_BODY_SLEEP, DC_MSLEEP) : FZ_NONE;
        if(c == FZ_NONE)
            return;
        r->cells[c].deadline = op->dl == FZ_DL_INFINITE ? -1
            : fz_deadline_in(r, op->dl, false, fz_delay_ms(op->len));
        r->call.set = false;
        fz_go_cell(r, op, c);
        return;
    }
    int64_t d = fz_deadline_in(r, op->dl, false, fz_delay_ms(op->len));
    int rc = msleep(d);
    fz_judge(r, DC_MSLEEP, &FZ_MUST_SUCCEED(op->dl == FZ_DL_TIMED ? "timed" : "expired"),
        rc, errno, false);
}

/* The bundle operand of bundle_wait: 0, or the errno a bad one gives. */
static int bundle_operand(struct fz_run *r, int s) {
    if(s == FZ_NONE)
        return EBADF;
    return r->slots[s].kind == FZ_BUNDLE || r->slots[s].kind == FZ_COROUTINE ? 0 : ENOTSUP;
}

/* Whether every coroutine of slot `s` ends without being canceled. */
static bool all_bounded(struct fz_run *r, int s) {
    FZ_EACH_CELL(r, s, c)
        if(!fz_cell_bounded(r, c))
            return false;
    return true;
}

/* bundle_wait(3) in the main coroutine, judged by what its coroutines did
 * meanwhile: "If there are no coroutines in the bundle the function will
 * succeed immediately.  Otherwise, it will wait until all the coroutines in
 * the bundle finish or until deadline is reached." */
static void wait_here(struct fz_run *r, const struct fz_op *op, int h, int s, int bad) {
    int64_t d = fz_deadline_in(r, op->dl, bad || all_bounded(r, s), fz_delay_ms(op->len));
    int64_t from = fz_vt_ms();
    int rc = bundle_wait(h, d), err = errno;
    struct fz_expect x;
    int open = 0;
    int64_t last = from;
    if(!bad)
        FZ_EACH_CELL(r, s, c) {
            if(!r->cells[c].done)
                open++;
            else if(r->cells[c].end_vt > last)
                last = r->cells[c].end_vt;
        }
    if(bad)
        x = FZ_MUST_FAIL(bad == EBADF ? "bad-handle" : "not-a-bundle", bad);
    else if(open)
        x = FZ_MUST_FAIL("coroutines-running", ETIMEDOUT);
    else if(d > 0 && last >= d)
        x = FZ_EITHER("ended-at-deadline", ETIMEDOUT);
    else
        x = FZ_MUST_SUCCEED("coroutines-ended");
    bool judged = fz_timing_judged(r);
    if(fz_judge(r, DC_BUNDLE_WAIT, &x, rc, err, false) && judged &&
            fz_vt_ms() > last + FZ_LATE_MS)
        fz_call_finding(DC_BUNDLE_WAIT, "coroutines-ended", "late",
            "op %d: returned %lld ms after its last coroutine ended", r->op,
            (long long)(fz_vt_ms() - last));
}

/* A target known to crash when a bundle_wait's deadline fires as the
 * bundle's last coroutine ends ("bundle_wait/deadline-as-last-ends/crash")
 * is spared every bundle_wait with a deadline on a bundle whose coroutines
 * run: -1 too, where the harness passes 0 for it (fz_deadline_in). */
static bool crash_shape(struct fz_run *r, const struct fz_op *op, int s) {
    if(op->dl == FZ_DL_INFINITE && fz_may_wait_forever(r) &&
            ((op->flags & FZ_FLAG_GO) || all_bounded(r, s)))
        return false;
    bool running = false;
    FZ_EACH_CELL(r, s, c)
        running |= !r->cells[c].done;
    return running && fz_known("bundle_wait/deadline-as-last-ends/crash");
}

/* bundle_wait(a, deadline) here, or with FZ_FLAG_GO in a coroutine, which
 * never waits on its own bundle (that would wait for itself). */
void fz_op_bundle_wait(struct fz_run *r, const struct fz_op *op) {
    int h, s;
    if(!fz_resolve(r, op->a, &h, &s))
        return;
    int bad = bundle_operand(r, s);
    if(!bad && crash_shape(r, op, s)) {
        fz_skip_step(r);
        return;
    }
    if(!(op->flags & FZ_FLAG_GO)) {
        wait_here(r, op, h, s, bad);
        return;
    }
    if(r->mode != FZ_ORACLE || (!bad && bundle_slot(r, op->b) == s))
        return;
    int c = fz_new_cell(r, FZ_BODY_WAIT, DC_BUNDLE_WAIT);
    if(c == FZ_NONE)
        return;
    r->cells[c].h = h;
    r->cells[c].bad_err = bad;
    r->cells[c].on = bad ? FZ_NONE : s;
    r->cells[c].deadline = fz_deadline_in(r, op->dl, true, fz_delay_ms(op->len));
    r->call.set = false;
    fz_go_cell(r, op, c);
}
