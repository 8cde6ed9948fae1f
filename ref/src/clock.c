/* now(3): "Returns current time, in milliseconds", from a monotonic clock so
 * that deadlines do not jump with the wall clock. */
#include <time.h>

#include "libdill.h"

int64_t dill_now(void) {
    struct timespec ts;
    /* reading 21: */
    /* spine: now/monotonic */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    /* spine: now/deadline-arithmetic */
    /* spine: now/milliseconds */
    int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    /* "0: Immediate deadline. -1: Infinite deadline." cannot be returned. */
    /* spine: now/never-special-values */
    return ms > 0 ? ms : 1;
}
