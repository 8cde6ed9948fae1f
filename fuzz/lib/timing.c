/* The judge's clock: deadlines held against the virtual clock (vtime.h).
 *
 * The harness runs on a clock that moves only when every coroutine is
 * blocked, and then straight to the earliest deadline the target asked the
 * system to wait for.  So the model knows when each deadline must fire:
 * a call with a timed deadline D that times out returns when the clock
 * shows D, not before ("the operation should time out" at D, the pages'
 * deadline paragraph) and not after (FZ_LATE_MS); a call with deadline 0
 * or a past one returns without the clock moving ("0 means immediate
 * timeout, i.e., perform the operation if possible or return without
 * blocking if not"); and a wait whose deadline fires finds every wait
 * with an earlier deadline fired before it, in the main coroutine or in
 * any other (ref/README reading 25). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <libdill.h>

#include "model.h"
#include "vtime.h"

bool fz_timing_judged(const struct fz_run *r) {
    return r->mode == FZ_ORACLE && !r->lost && fz_vt_virtual();
}

/* Whether cell `c` waits on a timer that had not come when it called. */
static bool timer_armed(const struct fz_cell *c) {
    return c->armed_vt >= 0 && !c->done && c->deadline > c->armed_vt;
}

int fz_unfired_before(const struct fz_run *r, int self, int64_t d) {
    for(int c = 0; c < r->ncells; c++)
        if(c != self && timer_armed(&r->cells[c]) && r->cells[c].deadline < d)
            return c;
    /* The main coroutine's call, while it waits (a cell's timer fires
     * only while the main coroutine is in a call). */
    if(self != FZ_MAIN && r->call.set && r->call.mode == FZ_DL_TIMED &&
            r->call.value > r->call.vt && r->call.value < d)
        return FZ_MAIN;
    return FZ_NONE;
}

/* A call that ended by its own deadline: ETIMEDOUT, or msleep's 0. */
static bool timed_out(enum dc_fn fn, int rc, int err) {
    return fn == DC_MSLEEP ? rc == 0 : rc == -1 && err == ETIMEDOUT;
}

void fz_check_call_time(struct fz_run *r, enum dc_fn fn, int rc, int err) {
    if(!r->call.set)
        return;
    r->call.set = false;
    if(!fz_timing_judged(r))
        return;
    int64_t t = fz_vt_ms(), d = r->call.value, from = r->call.vt;
    switch(r->call.mode) {
    case FZ_DL_ZERO: case FZ_DL_PAST:
        if(t != from)
            fz_call_finding(fn, fz_deadline_name(r->call.mode), "clock-moved",
                "op %d: a call with deadline %lld returned %lld ms later", r->op,
                (long long)d, (long long)(t - from));
        break;
    case FZ_DL_TIMED: {
        int64_t due = d > from ? d : from;
        if(timed_out(fn, rc, err) && t < d)
            fz_call_finding(fn, "timed", "early",
                "op %d: timed out %lld ms before its deadline", r->op, (long long)(d - t));
        if(t > due + FZ_LATE_MS)
            fz_call_finding(fn, "timed", "late",
                "op %d: returned %lld ms after its deadline", r->op, (long long)(t - due));
        int c = timed_out(fn, rc, err) ? fz_unfired_before(r, FZ_MAIN, d) : FZ_NONE;
        if(c != FZ_NONE)
            fz_call_finding(fn, "timed", "out-of-order",
                "op %d: its deadline fired while a coroutine's earlier one (%s, %lld ms"
                " before) had not", r->op, dc_fn_name(r->cells[c].fn),
                (long long)(d - r->cells[c].deadline));
        break;
    }
    default:
        break;
    }
}
