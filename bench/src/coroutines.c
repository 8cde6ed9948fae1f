/* What a coroutine costs: launching an empty one and running it to
 * completion, and one switch between two.  There is no syscall for either,
 * so the baseline is the libc way to do it without a library: ucontext
 * (whose swapcontext also saves the signal mask, with a syscall each time). */
#include "figures.h"

#include <libdill.h>
#include <stdlib.h>
#include <ucontext.h>

/* Counted by every coroutine body, so that one that never ran shows. */
static uint64_t bodies_run;

coroutine static void empty_coroutine(void) {
    ++bodies_run;
}

coroutine static void yielder(uint64_t switches) {
    for(uint64_t i = 0; i != switches; ++i) {
        ++bodies_run;
        if(yield() < 0) return;
    }
}

static int check_ran(uint64_t expected, const char *what) {
    if(bodies_run != expected) return bench_failx(what);
    return 0;
}

int dill_go_empty(const struct job *job, uint64_t *ns) {
    bodies_run = 0;
    uint64_t start = bench_clock_ns();
    for(uint64_t i = 0; i != job->count; ++i) {
        int cr = go(empty_coroutine());
        if(cr < 0) return bench_fail("go");
        if(bundle_wait(cr, -1) < 0) { hclose(cr); return bench_fail("bundle_wait"); }
        hclose(cr);
    }
    *ns = bench_clock_ns() - start;
    return check_ran(job->count, "go: not every coroutine ran");
}

/* job->count switches: we and the other coroutine take turns, each
 * yield passing control to the other. */
int dill_yield_switch(const struct job *job, uint64_t *ns) {
    uint64_t turns = job->count / 2;
    bodies_run = 0;
    int cr = go(yielder(turns));
    if(cr < 0) return bench_fail("go");
    uint64_t start = bench_clock_ns();
    int rc = 0;
    for(uint64_t i = 0; i != turns && rc == 0; ++i)
        if(yield() < 0) rc = bench_fail("yield");
    *ns = bench_clock_ns() - start;
    if(rc == 0 && bundle_wait(cr, -1) < 0) rc = bench_fail("bundle_wait");
    hclose(cr);
    return rc < 0 ? -1 : check_ran(turns, "yield: the other coroutine missed turns");
}

#define UCONTEXT_STACK (64 * 1024)
static ucontext_t caller_ctx, callee_ctx;

static void empty_context(void) {
    ++bodies_run;
}

static void switching_context(void) {
    for(;;) {
        ++bodies_run;
        swapcontext(&callee_ctx, &caller_ctx);
    }
}

/* A context that runs `body` on `stack` and returns to caller_ctx. */
static int prepare_context(void *stack, void (*body)(void)) {
    if(getcontext(&callee_ctx) < 0) return bench_fail("getcontext");
    callee_ctx.uc_stack.ss_sp = stack;
    callee_ctx.uc_stack.ss_size = UCONTEXT_STACK;
    callee_ctx.uc_link = &caller_ctx;
    makecontext(&callee_ctx, body, 0);
    return 0;
}

static int run_empty_contexts(void *stack, uint64_t count, uint64_t *ns) {
    ucontext_t fresh;
    if(prepare_context(stack, empty_context) < 0) return -1;
    fresh = callee_ctx;
    uint64_t start = bench_clock_ns();
    for(uint64_t i = 0; i != count; ++i) {
        /* A finished context cannot be resumed; launching another means
         * making one anew, as go() does. */
        callee_ctx = fresh;
        makecontext(&callee_ctx, empty_context, 0);
        if(swapcontext(&caller_ctx, &callee_ctx) < 0) return bench_fail("swapcontext");
    }
    *ns = bench_clock_ns() - start;
    return 0;
}

int raw_go_empty(const struct job *job, uint64_t *ns) {
    void *stack = malloc(UCONTEXT_STACK);
    if(!stack) return bench_fail("malloc");
    bodies_run = 0;
    int rc = run_empty_contexts(stack, job->count, ns);
    free(stack);
    return rc < 0 ? -1 : check_ran(job->count, "ucontext: not every context ran");
}

int raw_yield_switch(const struct job *job, uint64_t *ns) {
    uint64_t turns = job->count / 2;
    void *stack = malloc(UCONTEXT_STACK);
    if(!stack) return bench_fail("malloc");
    bodies_run = 0;
    int rc = prepare_context(stack, switching_context);
    uint64_t start = bench_clock_ns();
    for(uint64_t i = 0; i != turns && rc == 0; ++i)
        if(swapcontext(&caller_ctx, &callee_ctx) < 0) rc = bench_fail("swapcontext");
    *ns = bench_clock_ns() - start;
    free(stack);   /* the switching context is abandoned mid-loop, never resumed */
    return rc < 0 ? -1 : check_ran(turns, "ucontext: the other context missed turns");
}
