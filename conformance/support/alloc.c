/* Allocation failures injected with libfiu (see alloc.h). */
#define FIU_ENABLE 1
#include "dc_hygiene.h"
#include <fiu-control.h>
#include <fiu.h>
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

#include "alloc.h"
#include "support.h"

/* A call gets this many tries (its allocations, counted) to succeed. */
#define DS_ALLOC_CAP 64
/* Handles opened one by one between loops: more than the 256 slots both ref
 * and libdill start their handle table with. */
#define DS_ALLOC_EXTRA 320

/* The failure points' callback fails the armed_at-th allocation seen while
 * armed, nothing otherwise.  All of this is thread-local: only the test's
 * own thread is failed and counted, never Criterion's.  Volatile: compilers
 * assume that malloc and free touch no memory of their callers. */
static _Thread_local volatile int armed_at;
static _Thread_local volatile int seen;
static _Thread_local volatile bool in_fiu;
static _Thread_local volatile long live;   /* bytes allocated minus freed */

static int decide(const char *name, int *failnum, void **failinfo,
      unsigned int *flags) {
    (void)name; (void)failnum; (void)failinfo; (void)flags;
    if(armed_at == 0)
        return 0;
    return ++seen == armed_at;
}

static void arm(int n) {
    seen = 0;
    armed_at = n;
}

static int disarm(void) {
    armed_at = 0;
    return seen;
}

/* Whether this allocation fails.  libfiu is asked only while armed, so its
 * locks are never held by another thread when Criterion forks.  (That is
 * why libfiu's own LD_PRELOAD wrappers are not used: they ask libfiu on
 * every allocation of every thread, and a test process forked while
 * Criterion's message thread held libfiu's lock deadlocked in malloc.) */
static bool fail_here(const char *point) {
    if(armed_at == 0 || in_fiu)
        return false;
    in_fiu = true;
    bool fail = fiu_fail(point) != 0;
    in_fiu = false;
    return fail;
}

static void count(void *p, long sign) {
    if(p && !in_fiu)
        live += sign * (long)malloc_usable_size(p);
}

#ifdef DS_ALLOC_WRAP
/* ASan build of ref: ASan's allocator is in the program, so the program's
 * own references to the allocator (ref's included) are routed here with
 * -Wl,--wrap=... */
#define REAL(f) __real_##f
#define WRAP(f) __wrap_##f
#else
/* Otherwise these are the process's allocator functions: the dynamic linker
 * binds a shared libdill's calls (and libc's own) to them as well. */
#define REAL(f) __libc_##f
#define WRAP(f) f
#endif
void *REAL(malloc)(size_t size);
void *REAL(calloc)(size_t n, size_t size);
void *REAL(realloc)(void *p, size_t size);
void REAL(free)(void *p);
void *WRAP(malloc)(size_t size);
void *WRAP(calloc)(size_t n, size_t size);
void *WRAP(realloc)(void *p, size_t size);
void WRAP(free)(void *p);

void *WRAP(malloc)(size_t size) {
    if(fail_here("libc/mm/malloc")) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = REAL(malloc)(size);
    count(p, 1);
    return p;
}

void *WRAP(calloc)(size_t n, size_t size) {
    if(fail_here("libc/mm/calloc")) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = REAL(calloc)(n, size);
    count(p, 1);
    return p;
}

void *WRAP(realloc)(void *p, size_t size) {
    if(fail_here("libc/mm/realloc")) {
        errno = ENOMEM;
        return NULL;
    }
    long old = p && !in_fiu ? (long)malloc_usable_size(p) : 0;
    void *q = REAL(realloc)(p, size);
    if(q || size == 0)
        live -= old;
    count(q, 1);
    return q;
}

void WRAP(free)(void *p) {
    count(p, -1);
    REAL(free)(p);
}

/* The failure points are enabled once per test (each test is a process) and
 * then armed and disarmed: enabling allocates inside libfiu. */
static void ready(void) {
    static bool done;
    if(done)
        return;
    DS_SETUP(fiu_init(0) == 0);
    DS_SETUP(fiu_enable_external("libc/mm/*", 1, NULL, 0, decide) == 0);
    /* Through a volatile pointer: the compiler may not drop the call.  The
     * first allocation armed also lets libfiu set up what it keeps. */
    void *(*volatile probe)(size_t) = malloc;
    arm(1);
    void *p = probe(16);
    disarm();
    if(p) {
        free(p);
        cr_assert_fail("UNRESOLVED: setup failed: allocation failures cannot be "
            "injected: this program's malloc is not the one called");
    }
    long m0 = live;
    p = probe(100);
    long m1 = live;
    free(p);
    DS_SETUP(m1 >= m0 + 100 && live == m0);
    done = true;
}

/* Open fds, as a set. */
#define DS_MAXFD 4096
struct fdset {
    unsigned char open[DS_MAXFD];
};

static void snapshot(struct fdset *s) {
    DS_SETUP(dc_fds_open(s->open, DS_MAXFD) >= 0);
}

/* Files in the test's directory (ds_dir), counted: a failed call must not
 * leave one there (ipc_listen's socket file). */
static int files_in_dir(void) {
    int n = dc_dir_entries(ds_dir());
    DS_SETUP(n >= 0);
    return n;
}

/* One call with its nth allocation failing; true if it succeeded.  `measure`
 * checks that a failure left no byte allocated: only on a repeat, since the
 * first failure may grow a cache the target keeps (its poller's fd table). */
static bool one_call(const struct ds_alloc_case *c, void *st, int n,
      int extra, bool measure, bool *allocated) {
    static struct fdset before, after;
    c->setup(st);
    snapshot(&before);
    int files = files_in_dir();
    long m0 = live;
    arm(n);
    errno = 0;
    int rc = c->call(st);
    int err = errno;
    int made = disarm();
    long m1 = live;
    if(made > 0)
        *allocated = true;
    if(rc >= 0) {
        c->undo(st, rc);
        return true;
    }
    cr_assert(rc == -1, "FAIL: returned %d with allocation %d of the call "
        "failing (%d more handles open), expected -1 with ENOMEM", rc, n, extra);
    cr_assert(err == ENOMEM, "%s: errno %s with allocation %d of the call "
        "failing (%d more handles open; it made %d), expected ENOMEM",
        ds_errno_verdict(err, c->errs), ds_errname(err), n, extra, made);
    snapshot(&after);
    for(int fd = 0; fd < DS_MAXFD; fd++)
        cr_assert(!after.open[fd] || before.open[fd], "FAIL: fd %d left open "
            "by the call that failed with ENOMEM (allocation %d failing, %d "
            "more handles open)", fd, n, extra);
    cr_assert(files_in_dir() == files, "FAIL: a file left in the test's "
        "directory by the call that failed with ENOMEM (allocation %d "
        "failing, %d more handles open)", n, extra);
    if(measure)
        cr_assert(m1 <= m0, "FAIL: %ld bytes left allocated by the call that "
            "failed with ENOMEM (allocation %d failing, %d more handles open)",
            m1 - m0, n, extra);
    c->after_failure(st);
    return false;
}

void ds_alloc_loop(const struct ds_alloc_case *c, void *st) {
    ready();
    static int extra[DS_ALLOC_EXTRA];
    bool allocated = false;
    for(int k = 0; k <= DS_ALLOC_EXTRA; k++) {
        int n = 1;
        while(!one_call(c, st, n, k, false, &allocated) &&
              !one_call(c, st, n, k, true, &allocated)) {
            n++;
            cr_assert(n <= DS_ALLOC_CAP, "FAIL: still ENOMEM with allocation %d "
                "of the call failing (%d more handles open): never succeeds",
                DS_ALLOC_CAP, k);
        }
        if(k < DS_ALLOC_EXTRA) {
            extra[k] = bundle();
            DS_SETUP(extra[k] >= 0);
        }
    }
    for(int k = 0; k < DS_ALLOC_EXTRA; k++)
        DS_SETUP(hclose(extra[k]) == 0);
    if(!allocated)
        ds_untested("the call made no allocation, even while the handle table "
            "grew past %d handles: none to fail", DS_ALLOC_EXTRA);
}
