/* What coroutines saw, judged once their calls returned (see model.h's
 * struct fz_cell).  A coroutine writes down when its call began and
 * returned and what it returned; the executor writes down what happened
 * around it meanwhile (what it waited for came, its object was closed,
 * its bundle was closed); here the two are held against the pages. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libdill.h>

#include "model.h"
#include "vtime.h"

/******************************************************************************/
/*  The coroutine's side                                                      */
/******************************************************************************/

/* The side of a raw end an fdin (0) or fdout (1) cell waits on. */
static int side(const struct fz_cell *cell) {
    return cell->body == FZ_BODY_FDOUT;
}

static bool is_fd_wait(const struct fz_cell *cell) {
    return cell->body == FZ_BODY_FDIN || cell->body == FZ_BODY_FDOUT;
}

static int open_cells(const struct fz_run *r, int s, int except) {
    int n = 0;
    FZ_EACH_CELL(r, s, c)
        if(c != except && !r->cells[c].done)
            n++;
    return n;
}

void fz_cell_arm(struct fz_run *r, int c) {
    struct fz_cell *cell = &r->cells[c];
    cell->armed_vt = fz_vt_ms();
    if(cell->on == FZ_NONE)
        return;
    switch(cell->body) {
    case FZ_BODY_FDIN: case FZ_BODY_FDOUT: {
        int busy = fz_raw_busy(r, cell->on, side(cell), c);
        /* fdin(3), fdout(3): EBUSY "Another coroutine already blocked on
         * fdin with this file descriptor." */
        if(busy == 1) {
            cell->busy = true;
            break;
        }
        cell->unsure = busy < 0;
        if(cell->body == FZ_BODY_FDIN) {
            cell->ready = fz_raw_readable(r, cell->on);
        } else {
            int wr = fz_raw_writable(r, cell->on);
            cell->ready = wr == 1;
            cell->unsure |= wr < 0;
        }
        cell->ready &= !cell->unsure;
        break;
    }
    case FZ_BODY_ACCEPT: cell->ready = r->slots[cell->on].npending > 0; break;
    case FZ_BODY_WAIT: cell->ready = open_cells(r, cell->on, c) == 0; break;
    default: break;
    }
}

/* Whether the call returned because its own deadline came. */
static bool by_deadline(const struct fz_cell *cell) {
    if(cell->deadline <= cell->armed_vt)
        return false;
    return cell->body == FZ_BODY_SLEEP ? cell->rc == 0
                                       : cell->rc == -1 && cell->err == ETIMEDOUT;
}

void fz_cell_end(struct fz_run *r, int c, int rc, int err) {
    struct fz_cell *cell = &r->cells[c];
    cell->rc = rc;
    cell->err = err;
    cell->end_vt = fz_vt_ms();
    if(cell->body == FZ_BODY_WAIT && cell->on != FZ_NONE && !cell->closed_under)
        cell->open_left = open_cells(r, cell->on, c);
    if(by_deadline(cell))
        cell->earlier = fz_unfired_before(r, c, cell->deadline);
    cell->done = true;
    /* The last coroutine of a bundle ended: what its waiters wait for. */
    if(cell->owner != FZ_NONE && open_cells(r, cell->owner, FZ_NONE) == 0)
        fz_cells_event(r, FZ_BODY_WAIT, cell->owner);
}

/******************************************************************************/
/*  The executor's side                                                       */
/******************************************************************************/

static bool waiting(const struct fz_cell *cell) {
    return cell->armed_vt >= 0 && !cell->done && !cell->gone;
}

void fz_cells_event(struct fz_run *r, enum fz_body body, int on) {
    for(int c = 0; c < r->ncells; c++) {
        struct fz_cell *cell = &r->cells[c];
        if(cell->body == body && cell->on == on && waiting(cell) && cell->event_vt < 0)
            cell->event_vt = fz_vt_ms();
    }
}

void fz_cells_unsure(struct fz_run *r, enum fz_body body, int on) {
    for(int c = 0; c < r->ncells; c++) {
        struct fz_cell *cell = &r->cells[c];
        if(cell->body == body && cell->on == on && waiting(cell))
            cell->unsure = true;
    }
}

void fz_cells_closed_under(struct fz_run *r, int s) {
    for(int c = 0; c < r->ncells; c++) {
        struct fz_cell *cell = &r->cells[c];
        if((cell->body == FZ_BODY_WAIT || cell->body == FZ_BODY_ACCEPT) && cell->on == s &&
                waiting(cell))
            cell->closed_under = true;
    }
}

/* Whether what cell `c` waits for has come (or may have): a call woken
 * but not yet run when its coroutine is canceled (reading 17). */
static bool has_come(const struct fz_run *r, const struct fz_cell *cell);

/* A coroutine whose fdin returned EBUSY did so at once: one still in
 * fdin is blocked there, unless its deadline or event has come, when it
 * may have been woken already (whether it still counts as blocked is the
 * scheduler's business). */
int fz_raw_busy(const struct fz_run *r, int raw, int out, int except) {
    int busy = 0;
    for(int c = 0; c < r->ncells; c++) {
        const struct fz_cell *cell = &r->cells[c];
        if(c == except || !is_fd_wait(cell) || cell->on != raw || side(cell) != out ||
                !waiting(cell))
            continue;
        if(!has_come(r, cell))
            return 1;
        busy = -1;
    }
    return busy;
}

static bool has_come(const struct fz_run *r, const struct fz_cell *cell) {
    if(cell->ready || cell->unsure || cell->event_vt >= 0 || cell->closed_under)
        return true;
    if(cell->deadline >= 0 && fz_vt_ms() >= cell->deadline)
        return true;
    if(cell->body != FZ_BODY_RECV)
        return false;
    const struct fz_ep *e = &r->eps[cell->ep];
    return fz_available(r, e) >= 1 || !fz_peer_alive(r, e) ||
        (e->peer != FZ_NONE && r->eps[e->peer].out_done);
}

void fz_cells_cancel(struct fz_run *r, int s) {
    FZ_EACH_CELL(r, s, c) {
        struct fz_cell *cell = &r->cells[c];
        if(cell->done)
            continue;
        cell->canceled = true;
        cell->woken = has_come(r, cell);
    }
}

bool fz_cell_bounded(const struct fz_run *r, int c) {
    const struct fz_cell *cell = &r->cells[c];
    return cell->done || cell->deadline >= 0;
}

/******************************************************************************/
/*  Judging                                                                   */
/******************************************************************************/

/* A coroutine that accepted closed the connection at once: the oldest
 * waiting connect now has a closed peer. */
static void accepted(struct fz_run *r, struct fz_cell *cell) {
    struct fz_slot *l = cell->on != FZ_NONE ? &r->slots[cell->on] : NULL;
    if(!l || l->kind != FZ_LISTENER || l->npending == 0) {
        if(r->mode == FZ_ORACLE && !r->lost)
            fz_call_finding(DC_IPC_ACCEPT, "in-coroutine", "no-connection",
                "a coroutine's ipc_accept returned a connection nobody made");
        r->lost = true;
        return;
    }
    int client = l->pending[0], e = fz_new_ep(r);
    for(int i = 1; i < l->npending; i++)
        l->pending[i - 1] = l->pending[i];
    l->npending--;
    if(e == FZ_NONE) {
        r->eps[client].reset = true;
        return;
    }
    r->eps[e].open = false;
    r->eps[e].peer = client;
    r->eps[client].peer = e;
}

static void check_after_cancel(const struct fz_cell *cell) {
    static const enum dc_fn fns[4] = {DC_MSLEEP, DC_YIELD, DC_FDIN, DC_IPC_PAIR};
    for(int i = 0; i < 4; i++) {
        enum dc_fn fn = fns[i];
        if(cell->after_rc[i] != -1 || cell->after_err[i] != ECANCELED)
            fz_call_finding(fn, "after-cancel",
                dc_errname(cell->after_rc[i] ? cell->after_err[i] : 0),
                "%s in a canceled coroutine returned %d/%s", dc_fn_name(fn),
                cell->after_rc[i], dc_errname(cell->after_err[i]));
    }
}

/* What the call may do, by what came while it waited: at once when it was
 * there already, when it came before the deadline, else at the deadline. */
static struct fz_expect expect(const struct fz_cell *cell, int64_t *due) {
    int64_t d = cell->deadline, t = cell->event_vt;
    *due = cell->armed_vt;
    if(cell->bad_err)
        return FZ_MUST_FAIL(cell->bad_err == EBADF ? "bad-handle" : "not-a-bundle",
            cell->bad_err);
    if(cell->busy)
        return FZ_MUST_FAIL("busy", EBUSY);
    if(cell->unsure && is_fd_wait(cell)) {
        *due = -1;
        return FZ_EITHER("unsure", ETIMEDOUT, EBUSY);
    }
    if(cell->body == FZ_BODY_SLEEP) {
        *due = d > cell->armed_vt ? d : cell->armed_vt;
        return d < 0 ? FZ_MUST_FAIL("deadline-infinite", ECANCELED)
                     : FZ_MUST_SUCCEED(d > cell->armed_vt ? "timed" : "expired");
    }
    if(cell->ready)
        return FZ_MUST_SUCCEED("ready");
    if(cell->unsure) {
        *due = -1;
        return FZ_EITHER("unsure", ETIMEDOUT);
    }
    if(d >= 0 && d <= cell->armed_vt)
        return FZ_MUST_FAIL("expired", ETIMEDOUT);
    if(t >= 0 && (d < 0 || t < d)) {
        *due = t;
        return FZ_MUST_SUCCEED("came");
    }
    *due = d;
    if(t >= 0 && t == d)
        return FZ_EITHER("came-at-deadline", ETIMEDOUT);
    return d < 0 ? FZ_MUST_FAIL("nothing-came", ECANCELED)
                 : FZ_MUST_FAIL("nothing-came", ETIMEDOUT);
}

static void check_outcome(const struct fz_cell *cell, const struct fz_expect *x) {
    int rc = cell->rc, err = cell->err;
    bool ok = rc == 0 ? x->may_succeed
        : x->may_fail && (x->errs[0] == err || x->errs[1] == err || x->errs[2] == err);
    if(!ok)
        fz_call_finding(cell->fn, x->situation, rc == 0 ? "succeeded" : dc_errname(err),
            "a coroutine's call returned %d/%s; expected %s", rc, dc_errname(err),
            x->may_succeed ? "success" : dc_errname(x->errs[0]));
}

/* When it returned: at once, when what it waited for came, or at its
 * deadline; and no earlier deadline of another wait left unfired. */
static void check_time(const struct fz_run *r, const struct fz_cell *cell,
        const struct fz_expect *x, int64_t due) {
    if(!fz_timing_judged(r) || due < 0)
        return;
    if(cell->end_vt < due && by_deadline(cell))
        fz_call_finding(cell->fn, x->situation, "early",
            "a coroutine's call timed out %lld ms before its deadline",
            (long long)(due - cell->end_vt));
    if(cell->end_vt > due + FZ_LATE_MS)
        fz_call_finding(cell->fn, x->situation,
            due == cell->armed_vt ? "clock-moved" : "late",
            "a coroutine's call returned %lld ms late", (long long)(cell->end_vt - due));
    if(cell->earlier != FZ_NONE)
        fz_call_finding(cell->fn, "timed", "out-of-order",
            "a coroutine's deadline fired while %s's earlier one had not",
            cell->earlier == FZ_MAIN ? "the main coroutine"
                                     : dc_fn_name(r->cells[cell->earlier].fn));
}

/* An accepting coroutine returned: the connections it might have taken
 * are what the model says again. */
static void accept_over(struct fz_run *r, const struct fz_cell *cell) {
    const struct fz_slot *l = cell->on != FZ_NONE ? &r->slots[cell->on] : NULL;
    for(int i = 0; l && l->kind == FZ_LISTENER && i < l->npending; i++)
        r->eps[l->pending[i]].accepting = false;
}

/* go(3): canceled, its blocking calls fail with ECANCELED; also when its
 * event had come but it had not run (reading 17). */
static void check_canceled(const struct fz_cell *cell) {
    enum dc_fn fn = cell->fn;
    const char *observed = cell->rc ? dc_errname(cell->err) : "0";
    if(cell->rc == -1 && cell->err == ECANCELED)
        return;
    if(cell->woken)
        fz_call_finding(fn, "canceled-while-woken", observed,
            "a %s woken but not yet run returned %d/%s after hclose of its coroutine",
            dc_fn_name(fn), cell->rc, dc_errname(cell->err));
    else
        fz_call_finding(fn, "canceled-while-blocked", observed,
            "a blocked %s returned %d/%s after hclose of its coroutine", dc_fn_name(fn),
            cell->rc, dc_errname(cell->err));
}

static void judge_cell(struct fz_run *r, struct fz_cell *cell) {
    cell->judged = true;
    if(cell->body == FZ_BODY_ACCEPT)
        accept_over(r, cell);
    if(fz_verbose())
        fprintf(stderr, "  coroutine %d (slot %d): %s returned %d/%s; called at %lld,"
            " deadline %lld, event %lld, returned at %lld%s%s%s%s\n", (int)(cell - r->cells),
            cell->owner, dc_fn_name(cell->fn), cell->rc, dc_errname(cell->rc ? cell->err : 0),
            (long long)cell->armed_vt, (long long)cell->deadline, (long long)cell->event_vt,
            (long long)cell->end_vt, cell->ready ? ", ready" : "",
            cell->canceled ? (cell->woken ? ", canceled when woken" : ", canceled") : "",
            cell->closed_under ? ", its object closed" : "", cell->unsure ? ", unsure" : "");
    if(cell->body == FZ_BODY_ACCEPT && cell->rc == 0)
        accepted(r, cell);
    if(r->mode != FZ_ORACLE || r->lost)
        return;
    int rc = cell->rc, err = cell->err;
    fz_check_documented(cell->fn, rc, err);
    bool canceled = rc == -1 && err == ECANCELED;
    /* Reading 14: a call whose object is closed under it fails with EBADF,
     * even if it had been woken, and EBADF wins over ECANCELED there.  A
     * bundle_wait may also succeed: hclose of the bundle makes "all the
     * coroutines in the bundle finish" (bundle_wait(3)), and a wait the
     * last one's end had woken may see that first.  Neither may wait on
     * (libdill #215). */
    if(cell->closed_under) {
        if(!(rc == -1 && err == EBADF) && !(rc == 0 && cell->body == FZ_BODY_WAIT))
            fz_call_finding(cell->fn, "closed-while-waiting", rc ? dc_errname(err) : "0",
                "a coroutine's call returned %d/%s when its object was closed", rc,
                dc_errname(err));
    } else if(cell->canceled) {
        check_canceled(cell);
    } else if(canceled) {
        fz_call_finding(cell->fn, "not-canceled", "ECANCELED",
            "a coroutine nobody canceled got ECANCELED");
    } else if(cell->body != FZ_BODY_RECV) {
        int64_t due;
        struct fz_expect x = expect(cell, &due);
        check_outcome(cell, &x);
        check_time(r, cell, &x, due);
    }
    if(canceled)
        check_after_cancel(cell);
    if(cell->body == FZ_BODY_RECV && rc == 0 && !cell->byte_ok)
        fz_call_finding(DC_BRECV, "coroutine", "wrong-bytes",
            "the byte a coroutine received is not the byte sent");
}

void fz_settle(struct fz_run *r) {
    for(int c = 0; c < r->ncells; c++)
        if(r->cells[c].done && !r->cells[c].judged)
            judge_cell(r, &r->cells[c]);
}
