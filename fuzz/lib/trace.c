/* A trace's steps in the trace digest (vtime.h), field by field: a step's
 * padding bytes are not part of what happened. */
#include "executor.h"
#include "vtime.h"

void fz_trace_steps(const struct fz_trace *t) {
    for(int i = 0; i < t->n; i++) {
        const struct fz_step *s = &t->steps[i];
        int32_t fields[] = {s->op, s->code, s->outcome, s->err, (int32_t)s->sum, s->after_fd,
            s->open, s->list, s->blocked};
        fz_trace_add(fields, sizeof(fields));
    }
}
