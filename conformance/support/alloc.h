/* Allocation failures, injected with libfiu.
 *
 * The suite defines malloc, calloc, realloc and free itself (alloc.c), on
 * top of glibc's: the dynamic linker binds every caller in the process to
 * them, ref linked in statically or a shared libdill (and libc's own
 * strdup and the like).  In an ASan build of ref, where ASan's allocator is
 * the program's, the program is linked with -Wl,--wrap=malloc,... instead
 * (DS_ALLOC_WRAP).  Whether an allocation fails is libfiu's failure point
 * libc/mm/malloc (calloc, realloc), enabled with a callback that counts.
 *
 * ds_alloc_loop() runs a constructor with its 1st, 2nd, ... allocation
 * failing until it succeeds.  Each failure must be -1/ENOMEM with no new fd
 * open, no new file in the test's directory (ds_dir: a listener's socket
 * file) and no byte left allocated (the wrappers count the bytes of the
 * test's thread; under ASan, LeakSanitizer also checks every test at its
 * end, see ds_hygiene()).  It does so
 * again with 1, 2, ... more handles open, past the point where the target's
 * handle table must grow: that growth is an allocation too, and the only one
 * a _mem variant makes. */
#ifndef DS_ALLOC_H
#define DS_ALLOC_H

#include <stdbool.h>

/* One constructor, in steps the loop runs around it.  `st` is the test's. */
struct ds_alloc_case {
    const int *errs;                /* the page's ERRORS table */
    void (*setup)(void *st);        /* before each call: peers, raw fds */
    int (*call)(void *st);          /* the call itself: >= 0 on success */
    void (*undo)(void *st, int rc); /* after a success: close what it made */
    void (*after_failure)(void *st);/* after a failure: release setup's */
};

/* The whole loop; fails the test (FAIL/UNDOCUMENTED-ERRNO) on a wrong
 * result or a leak, UNRESOLVED if failures cannot be injected here, and
 * UNTESTED if the call never allocated at all. */
void ds_alloc_loop(const struct ds_alloc_case *c, void *st);

#endif
