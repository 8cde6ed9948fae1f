/* Stands in for conformance/support/alloc.c in a reproducer: the same
 * allocation counter decides which allocation fails, without libfiu (the
 * suite asks libfiu's failure point, whose callback decides the same).  Not
 * compiled on its own. */
#include <stdbool.h>

#include "alloc.h"

/* Whether this allocation fails: the armed_at-th one since arm(). */
static bool fail_here(const char *point) {
    (void)point;
    if(armed_at == 0 || in_fiu)
        return false;
    return ++seen == armed_at;
}

/* Nothing to set up: fail_here() decides alone. */
static void enable_failure_points(void) {
}
