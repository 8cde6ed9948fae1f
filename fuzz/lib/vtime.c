/*
 * vtime.c - virtual time for the harnesses (see vtime.h): the clock and
 * the waits the target reads and sleeps with, defined here so that they
 * take precedence over libc's.
 *
 * What the targets call (read in their sources): ref reads CLOCK_MONOTONIC
 * and waits in epoll_wait, or poll(NULL, 0, timeout) before it has an
 * epoll fd.  libdill 2.10 to master read CLOCK_MONOTONIC_COARSE and wait in
 * epoll_wait (or poll, built with its poll backend).  Every monotonic clock
 * is virtual here, and ppoll and epoll_pwait too, for builds that use them;
 * CLOCK_REALTIME stays real (the fuzzing engines time themselves with it).
 *
 * libdill on x86 caches now() and asks the clock again only when the TSC
 * shows a million cycles since it last asked (now.c).  After a jump its
 * cache lags: it computes a timeout from the old time and waits again.
 * Such a wait asks for a deadline that has already come, which tells us the
 * target caches so.  From then on every jump makes the next rdtsc fault
 * (prctl PR_SET_TSC): the handler answers it with a count far ahead, so the
 * cache expires at once and the next now() asks the clock.  Where that is
 * not possible, the lagging wait lets the TSC run past the cache's limit
 * (about 0.4 ms).  Either way the target sees the jump before it decides
 * anything, and a target that does not cache pays nothing.
 *
 * The real calls are made with syscall(2): this file replaces the libc
 * entry points, and a sanitizer's interceptors of them would otherwise be
 * what "the next definition" finds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define VT_HAVE_TSC 1
#endif
#if defined(__x86_64__) && defined(__linux__)
#include <sys/prctl.h>
#include <ucontext.h>
#define VT_TRAP_TSC 1
#endif

#include "vtime.h"

#define NS_PER_MS 1000000LL
#define NS_PER_S 1000000000LL

/* Any start will do; a fixed one makes every run read the same times. */
#define VT_START_NS (1000000 * NS_PER_S)

/* libdill's now() trusts its cached time for fewer TSC cycles than this. */
#define TSC_CACHE_CYCLES (1u << 20)

void (*fz_vt_on_hang)(void);

static void trace_event(char kind, int64_t v);

static struct fz_vt_stats stats;
static int64_t vt_ns = VT_START_NS;   /* the virtual time */
static int64_t given_ns = VT_START_NS; /* what the last reader was told */
#ifdef VT_HAVE_TSC
static uint64_t given_tsc;            /* the TSC when it was told */
#endif

/******************************************************************************/
/*  The real calls                                                            */
/******************************************************************************/

static int real_clock_gettime(clockid_t id, struct timespec *ts) {
    return (int)syscall(SYS_clock_gettime, id, ts);
}

static int real_epoll(int epfd, struct epoll_event *ev, int max, int timeout_ms,
        const sigset_t *mask) {
    return (int)syscall(SYS_epoll_pwait, epfd, ev, max, timeout_ms, mask, _NSIG / 8);
}

static int real_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *tmo,
        const sigset_t *mask) {
    return (int)syscall(SYS_ppoll, fds, n, tmo, mask, _NSIG / 8);
}

static int real_poll(struct pollfd *fds, nfds_t n, int timeout_ms) {
    struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * NS_PER_MS};
    return real_ppoll(fds, n, timeout_ms < 0 ? NULL : &ts, NULL);
}

int fz_real_poll(struct pollfd *fds, nfds_t n, int timeout_ms) {
    return real_poll(fds, n, timeout_ms);
}

/******************************************************************************/
/*  The virtual clock                                                         */
/******************************************************************************/

/* Decided once, at the first question after the environment exists. */
static bool virtual_on(void) {
    static int on = -1;
    extern char **environ;
    if(on < 0 && environ) {
        const char *e = getenv("DILLSPEC_FUZZ_REAL_TIME");
        on = !(e && *e && strcmp(e, "0") != 0);
    }
    return on != 0;
}

static bool is_monotonic(clockid_t id) {
    return id == CLOCK_MONOTONIC || id == CLOCK_MONOTONIC_COARSE ||
        id == CLOCK_MONOTONIC_RAW || id == CLOCK_BOOTTIME;
}

#ifdef VT_TRAP_TSC
static volatile sig_atomic_t trap_armed;
#define TRAP_ARMED() (trap_armed)
#else
#define TRAP_ARMED() 0
#endif

static int64_t vt_read(void) {
    given_ns = vt_ns;
#ifdef VT_HAVE_TSC
    /* (while the trap is armed, the target's own rdtsc must be the one
     * that meets it) */
    if(!TRAP_ARMED())
        given_tsc = __rdtsc();
#endif
    return vt_ns;
}

int clock_gettime(clockid_t id, struct timespec *ts) {
    if(!is_monotonic(id) || !virtual_on())
        return real_clock_gettime(id, ts);
    int64_t t = vt_read();
    ts->tv_sec = t / NS_PER_S;
    ts->tv_nsec = t % NS_PER_S;
    return 0;
}

/* Read without telling: a harness that reads the clock must not change
 * what the target was last told, from which its next timeout is taken. */
int64_t fz_vt_ms(void) {
    struct timespec ts;
    if(!virtual_on()) {
        real_clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / NS_PER_MS;
    }
    return vt_ns / NS_PER_MS;
}

bool fz_vt_virtual(void) {
    return virtual_on();
}

const struct fz_vt_stats *fz_vt_stats(void) {
    return &stats;
}

#ifdef VT_TRAP_TSC
/* A faulting rdtsc answers this far ahead of the real count. */
#define TSC_AHEAD (4 * (uint64_t)TSC_CACHE_CYCLES)

static struct sigaction before;   /* the SIGSEGV handler we chain to */
static int trap_usable = -1;      /* unknown, yes, no */

static void on_segv(int sig, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    const uint8_t *ip = (const uint8_t *)uc->uc_mcontext.gregs[REG_RIP];
    if(trap_armed && info->si_code == SI_KERNEL && ip[0] == 0x0F && ip[1] == 0x31) {
        prctl(PR_SET_TSC, PR_TSC_ENABLE, 0, 0, 0);
        trap_armed = 0;
        uint64_t t = __rdtsc() + TSC_AHEAD;
        uc->uc_mcontext.gregs[REG_RAX] = (greg_t)(uint32_t)t;
        uc->uc_mcontext.gregs[REG_RDX] = (greg_t)(t >> 32);
        uc->uc_mcontext.gregs[REG_RIP] += 2;
        return;
    }
    /* Not ours: whoever handled SIGSEGV before (a fuzzer, a sanitizer). */
    if(before.sa_flags & SA_SIGINFO) {
        before.sa_sigaction(sig, info, context);
    } else if(before.sa_handler != SIG_DFL && before.sa_handler != SIG_IGN) {
        before.sa_handler(sig);
    } else {
        sigaction(SIGSEGV, &before, NULL);   /* the fault repeats, unhandled */
    }
}

/* Makes the next rdtsc fault; false if this system cannot. */
static bool arm_tsc_trap(void) {
    if(trap_usable < 0) {
        struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_NODEFER};
        sigemptyset(&sa.sa_mask);
        trap_usable = sigaction(SIGSEGV, &sa, &before) == 0;
    }
    if(!trap_usable || trap_armed)
        return trap_usable;
    trap_armed = 1;
    if(prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) != 0) {
        trap_armed = 0;
        trap_usable = 0;
        sigaction(SIGSEGV, &before, NULL);
    }
    return trap_usable;
}
#endif

/* Whether the target has shown that it caches the time on the TSC. */
static bool tsc_cacher;

/* After a jump: a target that caches on the TSC must see it at once. */
static void after_jump(void) {
#ifdef VT_TRAP_TSC
    if(tsc_cacher)
        arm_tsc_trap();
#endif
}

/* The caller's cached time lags the clock: let its cache expire. */
static void let_cache_expire(void) {
    stats.stale++;
    tsc_cacher = true;
#ifdef VT_TRAP_TSC
    if(arm_tsc_trap())
        return;
#endif
#ifdef VT_HAVE_TSC
    while(__rdtsc() - given_tsc < TSC_CACHE_CYCLES)
        _mm_pause();
#endif
}

/* Nothing was ready.  The caller computed its timeout from what it was
 * last told, `given_ns`, cut to `unit_ns`: jump to that deadline.  Returns
 * false when there is no deadline (timeout_ns < 0) and the caller must
 * wait for real. */
static bool pass_time(int64_t timeout_ns, int64_t unit_ns) {
    if(timeout_ns == 0)
        return true;
    if(timeout_ns < 0) {
        if(fz_vt_on_hang)
            fz_vt_on_hang();
        return false;
    }
    int64_t deadline = given_ns - given_ns % unit_ns + timeout_ns;
    if(deadline > vt_ns) {
        trace_event('j', deadline - vt_ns);
        vt_ns = deadline;
        stats.jumps++;
        after_jump();
    } else {
        let_cache_expire();
    }
    return true;
}

/******************************************************************************/
/*  The trace digest                                                          */
/******************************************************************************/

#define FNV_OFFSET 14695981039346656037ull
#define FNV_PRIME 1099511628211ull

static uint64_t digest = FNV_OFFSET;

bool fz_tracing(void) {
    static int on = -1;
    if(on < 0) {
        const char *e = getenv("DILLSPEC_FUZZ_TRACE");
        on = e && *e && strcmp(e, "0") != 0;
    }
    return on;
}

void fz_trace_reset(void) {
    digest = FNV_OFFSET;
}

void fz_trace_add(const void *p, size_t n) {
    const uint8_t *b = p;
    for(size_t i = 0; i < n; i++)
        digest = (digest ^ b[i]) * FNV_PRIME;
}

uint64_t fz_trace_digest(void) {
    return digest;
}

/* An event of the clock: a jump (by how much) or a wait answered by what
 * was ready (how many). */
static void trace_event(char kind, int64_t v) {
    if(!fz_tracing())
        return;
    fz_trace_add(&kind, 1);
    fz_trace_add(&v, sizeof(v));
}

/******************************************************************************/
/*  The waits                                                                 */
/******************************************************************************/

static int vt_epoll(int epfd, struct epoll_event *ev, int max, int timeout_ms,
        const sigset_t *mask) {
    if(!virtual_on() || timeout_ms == 0)
        return real_epoll(epfd, ev, max, timeout_ms, mask);
    int n = real_epoll(epfd, ev, max, 0, mask);
    if(n != 0) {
        stats.looks++;
        trace_event('r', n);
        return n;
    }
    if(pass_time(timeout_ms < 0 ? -1 : timeout_ms * NS_PER_MS, NS_PER_MS))
        return 0;
    return real_epoll(epfd, ev, max, -1, mask);
}

int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout_ms) {
    return vt_epoll(epfd, ev, max, timeout_ms, NULL);
}

int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout_ms,
        const sigset_t *mask) {
    return vt_epoll(epfd, ev, max, timeout_ms, mask);
}

static int vt_ppoll(struct pollfd *fds, nfds_t n, int64_t timeout_ns,
        int64_t unit_ns, const sigset_t *mask) {
    static const struct timespec zero;
    int rc = real_ppoll(fds, n, &zero, mask);
    if(rc != 0 || timeout_ns == 0) {
        if(rc != 0) {
            stats.looks++;
            trace_event('r', rc);
        }
        return rc;
    }
    if(pass_time(timeout_ns, unit_ns))
        return 0;
    return real_ppoll(fds, n, NULL, mask);
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms) {
    if(!virtual_on())
        return real_poll(fds, n, timeout_ms);
    return vt_ppoll(fds, n, timeout_ms < 0 ? -1 : timeout_ms * NS_PER_MS, NS_PER_MS, NULL);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *tmo,
        const sigset_t *mask) {
    if(!virtual_on())
        return real_ppoll(fds, n, tmo, mask);
    if(tmo && (tmo->tv_sec < 0 || tmo->tv_nsec < 0 || tmo->tv_nsec >= NS_PER_S)) {
        errno = EINVAL;
        return -1;
    }
    int64_t t = tmo ? (int64_t)tmo->tv_sec * NS_PER_S + tmo->tv_nsec : -1;
    return vt_ppoll(fds, n, t, 1, mask);
}
