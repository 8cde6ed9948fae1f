/* The judge: holds each call's outcome against the man pages' promise
 * (struct expect) in FZ_ORACLE mode, and records it as a step of the trace
 * in either mode. */
#include <stdarg.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdill.h>

#include "model.h"

void finding(enum fz_fn fn, const char *situation, const char *observed,
        const char *fmt, ...) {
    char key[128], detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    snprintf(key, sizeof(key), "%s/%s/%s", fz_fn_name(fn), situation, observed);
    fz_finding(key, "%s", detail);
}

static void record(struct run *r, int rc, int err, bool open) {
    const int room = (int)(sizeof(r->trace->steps) / sizeof(r->trace->steps[0]));
    if(!r->trace || r->trace->n == room)
        return;
    struct fz_step *s = &r->trace->steps[r->trace->n++];
    s->op = (int16_t)r->op;
    s->code = (int8_t)r->code;
    s->outcome = (int8_t)(rc == -1 ? -1 : rc == 0 ? 0 : 1);
    s->err = rc == -1 ? err : 0;
    s->sum = 0;
    s->after_fd = r->after_fd;
    s->open = open;
}

static bool allowed_errno(const struct expect *x, int err) {
    if(x->errs[0] == 0)
        return true;
    for(int i = 0; i < 3 && x->errs[i]; i++)
        if(x->errs[i] == err)
            return true;
    return false;
}

static bool contradicts(const struct expect *x, int rc, int err) {
    return rc == -1 ? !x->may_fail || !allowed_errno(x, err) : !x->may_succeed;
}

/* Whether the promise admits more than one outcome: success or failure,
 * or a choice of errnos (none listed: any of the ERRORS table). */
static bool leaves_open(const struct expect *x) {
    return x->may_fail && (x->may_succeed || x->errs[0] == 0 || x->errs[1] != 0);
}

bool judge(struct run *r, enum fz_fn fn, const struct expect *x,
        int rc, int err, bool returns_handle) {
    bool was_lost = r->lost, contradicted = contradicts(x, rc, err);
    /* After a failed fd call the outcome is the project's reading
     * (spec/ipc_sendfd.md), which two targets are held to alike. */
    record(r, returns_handle && rc >= 0 ? 1 : rc, err,
        !was_lost && !contradicted && leaves_open(x) && !r->after_fd);
    if(contradicted)
        r->lost = true;
    if(r->mode != FZ_ORACLE || was_lost)
        return rc != -1;
    if(rc < -1 || (!returns_handle && rc > 0))
        finding(fn, "shape", "bad-return", "op %d returned %d", r->op, rc);
    if(rc != -1) {
        if(!x->may_succeed)
            finding(fn, x->situation, "succeeded",
                "op %d succeeded; expected -1 with %s", r->op,
                fz_errname(x->errs[0]));
        return true;
    }
    fz_check_documented(fn, rc, err);
    if(!x->may_fail) {
        finding(fn, x->situation, fz_errname(err),
            "op %d failed with %s; expected success", r->op, fz_errname(err));
        return false;
    }
    if(allowed_errno(x, err))
        return false;
    finding(fn, x->situation, fz_errname(err), "op %d failed with %s; expected %s",
        r->op, fz_errname(err), fz_errname(x->errs[0]));
    return false;
}

void skip_step(struct run *r) {
    if(!r->trace)
        return;
    record(r, 0, 0, false);
    if(r->trace->n > 0)
        r->trace->steps[r->trace->n - 1].outcome = FZ_SKIPPED;
}
