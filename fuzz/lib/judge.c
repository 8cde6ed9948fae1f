/* The judge: holds each call's outcome against the man pages' promise
 * (struct fz_expect) in FZ_ORACLE mode, and records it as a step of the trace
 * in either mode (fz_record_step, model.c). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdill.h>

#include "blockwatch.h"
#include "model.h"
#include "record.h"

static bool allowed_errno(const struct fz_expect *x, int err) {
    if(x->errs[0] == 0)
        return true;
    for(int i = 0; i < 3 && x->errs[i]; i++)
        if(x->errs[i] == err)
            return true;
    return false;
}

static bool contradicts(const struct fz_expect *x, int rc, int err) {
    return rc == -1 ? !x->may_fail || !allowed_errno(x, err) : !x->may_succeed;
}

/* Whether the promise admits more than one outcome: success or failure,
 * or a choice of errnos (none listed: any of the ERRORS table). */
static bool leaves_open(const struct fz_expect *x) {
    return x->may_fail && (x->may_succeed || x->errs[0] == 0 || x->errs[1] != 0);
}

/* A call that would have slept in the kernel on a blocking socket, past
 * any deadline (blockwatch.h): a wrapped fd left blocking. */
static void check_blocked(struct fz_run *r, enum dc_fn fn, const char *call, int fd) {
    char observed[32];
    snprintf(observed, sizeof(observed), "blocked-in-%s", call);
    fz_call_finding(fn, r->call.set ? fz_deadline_name(r->call.mode) : "no-deadline", observed,
        "op %d: %s on fd %d, a blocking socket, would have slept past the deadline",
        r->op, call, fd);
}

bool fz_judge(struct fz_run *r, enum dc_fn fn, const struct fz_expect *x,
        int rc, int err, bool returns_handle) {
    /* A connection a coroutine may have accepted and closed meanwhile:
     * whatever its ERRORS table allows. */
    static const struct fz_expect open = FZ_EITHER("accept-in-flight", 0);
    if(r->on_accepting)
        x = &open;
    bool was_lost = r->lost, contradicted = contradicts(x, rc, err);
    int blocked_fd;
    const char *blocked = fz_bw_take(&blocked_fd);
    fz_record_expect(fn, x->situation, x->may_succeed, x->may_fail, x->errs, rc, err);
    /* After a failed fd call the outcome is the project's reading
     * (spec/ipc_sendfd.md), which two targets are held to alike. */
    fz_record_step(r, returns_handle && rc >= 0 ? 1 : rc, err,
        !was_lost && !contradicted && leaves_open(x) && !r->after_fd, blocked != NULL);
    if(contradicted)
        r->lost = true;
    if(r->mode != FZ_ORACLE || was_lost) {
        r->call.set = false;
        return rc != -1;
    }
    if(blocked)
        check_blocked(r, fn, blocked, blocked_fd);
    fz_check_call_time(r, fn, rc, err);
    if(rc < -1 || (!returns_handle && rc > 0))
        fz_call_finding(fn, "shape", "bad-return", "op %d returned %d", r->op, rc);
    if(rc != -1) {
        if(!x->may_succeed)
            fz_call_finding(fn, x->situation, "succeeded",
                "op %d succeeded; expected -1 with %s", r->op,
                dc_errname(x->errs[0]));
        return true;
    }
    fz_check_documented(fn, rc, err);
    if(!x->may_fail) {
        fz_call_finding(fn, x->situation, dc_errname(err),
            "op %d failed with %s; expected success", r->op, dc_errname(err));
        return false;
    }
    if(allowed_errno(x, err))
        return false;
    fz_call_finding(fn, x->situation, dc_errname(err), "op %d failed with %s; expected %s",
        r->op, dc_errname(err), dc_errname(x->errs[0]));
    return false;
}
