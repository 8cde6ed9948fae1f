/* In place of libfiu in a reproducer: the part of its API the suite's
 * allocation failures (conformance/support/alloc.c) use, which then runs as
 * it is: one external failure point, whose callback decides whether each
 * allocation fails.  Not compiled on its own. */
#include <stddef.h>

typedef int external_cb_t(const char *name, int *failnum, void **failinfo,
    unsigned int *flags);

/* The one callback enabled: libfiu would match its name pattern against
 * each point asked for, and the suite enables the allocator's points alone. */
static external_cb_t *fiu_callback;

static int fiu_init(unsigned int flags) {
    (void)flags;
    return 0;
}

static int fiu_enable_external(const char *name, int failnum, void *failinfo,
      unsigned int flags, external_cb_t *callback) {
    (void)name, (void)failnum, (void)failinfo, (void)flags;
    fiu_callback = callback;
    return 0;
}

/* Nonzero when the point `name` fails now. */
static int fiu_fail(const char *name) {
    int failnum = 1;
    void *failinfo = NULL;
    unsigned int flags = 0;
    return fiu_callback && fiu_callback(name, &failnum, &failinfo, &flags) ? failnum : 0;
}
