/*
 * vtime.h - virtual time for the harnesses.
 *
 * Linked into every harness program (never into the conformance suite,
 * which tests real deadlines), vtime.c defines clock_gettime, epoll_wait,
 * epoll_pwait, poll and ppoll.  A definition in the program itself takes
 * precedence over libc's for the program and for every shared library it
 * loads, so the target reads its time and waits through them whatever it
 * is: ref linked in, or a libdill.so that we never change.
 *
 * The monotonic clocks show a virtual time that stands still while the
 * program computes.  A wait first looks without waiting; if something is
 * ready, that is the answer.  If nothing is and the caller gave a timeout,
 * every coroutine is blocked and no descriptor is ready: the clock jumps to
 * the caller's deadline and the wait returns at once, as if it had slept.
 * In one process whose sockets all end in that process nothing can become
 * ready while it waits, so nothing is missed, and the order of events
 * depends only on the input, not on the machine or its load.
 *
 * A wait with no timeout and nothing ready can never end: fz_vt_on_hang
 * decides what happens (by default the program really waits, and the
 * fuzzing engine's timeout reports the hang, as without virtual time).
 *
 * DILLSPEC_FUZZ_REAL_TIME=1 turns it all off: real clocks, real waits.
 */
#ifndef DILLSPEC_VTIME_H
#define DILLSPEC_VTIME_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The virtual time in milliseconds (the real one when it is off), read
 * without changing what the target was last told. */
int64_t fz_vt_ms(void);

/* Whether the clock is virtual (DILLSPEC_FUZZ_REAL_TIME is not set). */
bool fz_vt_virtual(void);

/* A real poll(2), for waits on other processes (the differential peer),
 * which the virtual clock knows nothing of. */
int fz_real_poll(struct pollfd *fds, nfds_t n, int timeout_ms);

/* Called instead of a wait that has no timeout while nothing is ready:
 * a hang.  NULL (the default) waits for real. */
extern void (*fz_vt_on_hang)(void);

/* Counters, for the verbose trace and the benchmark. */
struct fz_vt_stats {
    long jumps;     /* waits the clock jumped instead of sleeping */
    long looks;     /* waits answered by the look without waiting */
    long stale;     /* waits from a caller whose cached time lagged */
};
const struct fz_vt_stats *fz_vt_stats(void);

/* The trace digest: what one input did, to compare runs of it.  The
 * clock adds each jump and each wait that found something ready (waits of
 * a lagging cache are left out: they depend on the machine's speed); a
 * harness adds the outcome of each call.  Kept only when DILLSPEC_FUZZ_TRACE
 * is set; the replay program then prints one digest per input. */
bool fz_tracing(void);
void fz_trace_reset(void);
void fz_trace_add(const void *p, size_t n);
uint64_t fz_trace_digest(void);

#endif
