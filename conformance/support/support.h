/* The conformance suite's shared helpers.
 *
 * Every test includes this header (and the target's <libdill.h>).  A test:
 *   - names the assertion it checks (its Criterion suite/name is the page and
 *     the assertion; conformance/assertions.tsv, generated from the tests by
 *     conformance/report/report.py catalogue, maps IDs to tests, and
 *     conformance/assertions/spine.tsv gives each its page line and quote, and
 *     a `spine:` mark in ref/src its code);
 *   - gets a private directory for socket files: ds_path("name");
 *   - checks hygiene for free: DS_TEST runs ds_hygiene() after the body,
 *     which fails the test if it leaked an fd or wrote outside _mem storage;
 *   - reports a wrong errno through DS_EXPECT_ERR, which tells FAIL (the call
 *     did not fail, or failed with another documented errno) from
 *     UNDOCUMENTED-ERRNO (failed with an errno its page's ERRORS table lacks);
 *   - reports its own broken setup with DS_SETUP (UNRESOLVED), and waives
 *     with ds_untested("reason") (UNTESTED).
 * The report generator maps these message prefixes to verdicts.  A message
 * may hold any bytes: the runner records each test's verdict and messages
 * escaped (record.c), and the reports escape them for their formats. */
#ifndef DS_SUPPORT_H
#define DS_SUPPORT_H

#include <criterion/criterion.h>
#include <errno.h>
#include "dill_available.h"   /* the target's libdill.h; DS_HAVE_<function> */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dc_errors.h"

#include "sanitizer.h"   /* DS_ASAN */

/* Per-test fixture: private directory, fd count, libdill warmed up (its
 * poller's own fd is made before the count). */
void ds_init(void);
void ds_fini(void);
/* The checks at the end of every DS_TEST body.  They cannot live in .fini:
 * Criterion 2.4.1 prints an assertion that fails there but still counts the
 * test as passed. */
void ds_hygiene(void);

/* "<private dir>/<name>", valid until the test ends. */
const char *ds_path(const char *name);
/* The private directory itself. */
const char *ds_dir(void);

/* Milliseconds from a monotonic clock independent of the target's now(). */
int64_t ds_ms(void);
/* The same clock as the kernel's tick last saw it (CLOCK_MONOTONIC_COARSE,
 * where there is one): the slowest clock a libdill's now() may read.  It
 * runs behind ds_ms() by up to a tick, more when a loaded machine delays
 * the tick. */
int64_t ds_ms_coarse(void);

/* A libdill "ERRORS" table: a zero-terminated list of errnos.  The pages'
 * own tables come from the contract layer (contract/dc_errors.c, checked
 * against the pages), one macro each; DS_ERRS is for a test's own list. */
#define DS_ERRS(...) ((const int[]){__VA_ARGS__, 0})
#define LISTEN_ERRS dc_errors(DC_IPC_LISTEN)
#define ACCEPT_ERRS dc_errors(DC_IPC_ACCEPT)
#define CONNECT_ERRS dc_errors(DC_IPC_CONNECT)
#define PAIR_ERRS dc_errors(DC_IPC_PAIR)
#define FROMFD_ERRS dc_errors(DC_IPC_FROMFD)
#define LISTENER_FROMFD_ERRS dc_errors(DC_IPC_LISTENER_FROMFD)
#define DONE_ERRS dc_errors(DC_IPC_DONE)
#define CLOSE_ERRS dc_errors(DC_IPC_CLOSE)
#define SENDFD_ERRS dc_errors(DC_IPC_SENDFD)
#define RECVFD_ERRS dc_errors(DC_IPC_RECVFD)
/* ipc_sendfd.md's list, for either of its functions. */
#define FD_ERRS dc_page_errors(DC_IPC_SENDFD)
#define BSEND_ERRS dc_errors(DC_BSEND)
#define BRECV_ERRS dc_errors(DC_BRECV)
#define BSENDL_ERRS dc_errors(DC_BSENDL)
#define BRECVL_ERRS dc_errors(DC_BRECVL)
/* The four bytestream pages list the same errnos. */
#define BYTESTREAM_ERRS dc_errors(DC_BSEND)
#define HCLOSE_ERRS dc_errors(DC_HCLOSE)
#define MSLEEP_ERRS dc_errors(DC_MSLEEP)

/* The verdict of a failed call: "FAIL" or "UNDOCUMENTED-ERRNO". */
const char *ds_errno_verdict(int got, const int *documented);

/* rc must be -1 with errno `want`; `documented` is the page's table. */
#define DS_EXPECT_ERR(rc, want, documented) do { \
    int ds_rc_ = (int)(rc), ds_errno_ = errno; \
    cr_assert(ds_rc_ == -1, "FAIL: returned %d, expected -1 with %s", \
        ds_rc_, ds_errname(want)); \
    cr_assert(ds_errno_ == (want), "%s: errno %s, expected %s", \
        ds_errno_verdict(ds_errno_, documented), ds_errname(ds_errno_), \
        ds_errname(want)); \
} while(0)

/* rc must be `want` (0 for most calls); shows errno when it is not. */
#define DS_EXPECT_RC(rc, want) do { \
    int ds_rc_ = (int)(rc), ds_errno_ = errno; \
    cr_assert(ds_rc_ == (want), "FAIL: returned %d (errno %s), expected %d", \
        ds_rc_, ds_errname(ds_errno_), (int)(want)); \
} while(0)

/* A handle: rc >= 0. */
#define DS_EXPECT_HANDLE(rc) do { \
    int ds_rc_ = (int)(rc), ds_errno_ = errno; \
    cr_assert(ds_rc_ >= 0, "FAIL: returned %d (errno %s), expected a handle", \
        ds_rc_, ds_errname(ds_errno_)); \
} while(0)

/* The test's own setup failed: UNRESOLVED, not a verdict on the target
 * (DS_SETUP, in setup.h). */
#include "setup.h"

/* The assertion cannot be checked here; says why. */
#define ds_untested(...) cr_skip_test("UNTESTED: " __VA_ARGS__)

/* The errno's name, as the pages spell it (the contract layer's). */
#define ds_errname dc_errname

/* Timing.  A deadline is a point on the target's own clock: it expires when
 * now() reaches it (msleep(3): "blocks until the deadline expires").  So
 * "not early" is judged on that clock, exactly: once a timed call returns,
 * now() reads at least its deadline (DS_EXPECT_EXPIRY); and a call that waits
 * for an event returns after the event, judged by cause (DS_EXPECT_AFTER_EVENT).
 * Real time cannot judge "early" to the millisecond without a margin that
 * depends on the target: libdill's now() reads CLOCK_MONOTONIC_COARSE (up to
 * a tick behind the monotonic clock, 4 ms at HZ=250, longer when the tick
 * is late on a loaded machine) through a reading it caches, so the deadline
 * now() + 100 can fall 94 ms of real time away and a timer that fires right
 * on it looks 6 ms early.  How now() follows real time is now(3)'s own rows'
 * business (now.c: between the coarse and the precise clock).
 * "Immediately" is under DS_FAST_MS and "not much late" under DS_LATE_MS,
 * both of real time. */
#define DS_FAST_MS 50
#define DS_LATE_MS 250

/* Deadline-0 calls must not block. */
#define DS_EXPECT_FAST(t0) do { \
    int64_t ds_el_ = ds_ms() - (t0); \
    cr_assert(ds_el_ < DS_FAST_MS, \
        "FAIL: took %lld ms with deadline 0, must not block", (long long)ds_el_); \
} while(0)

/* A timed deadline `dl`, set `ms` from now() at ds_ms() `t0`, expired not
 * early (now() has reached it) nor much late (real time). */
#define DS_EXPECT_EXPIRY(t0, dl, ms) do { \
    int64_t ds_early_ = (dl) - now(), ds_el_ = ds_ms() - (t0); \
    cr_assert(ds_early_ <= 0, \
        "FAIL: deadline of %d ms expired after %lld ms (early): now() was %lld ms " \
        "short of it", (int)(ms), (long long)ds_el_, (long long)ds_early_); \
    cr_assert(ds_el_ <= (ms) + DS_LATE_MS, \
        "FAIL: deadline of %d ms expired after %lld ms (late)", (int)(ms), \
        (long long)ds_el_); \
} while(0)

/* An event another coroutine makes happen: it calls ds_event_happens() just
 * before it acts; the test calls ds_event_reset() before starting it, and a
 * call waiting for the event must not return before it. */
void ds_event_reset(void);
void ds_event_happens(void);
bool ds_event_happened(void);
/* `what` names the event for the message, with the call's real time. */
#define DS_EXPECT_AFTER_EVENT(t0, what) do { \
    int64_t ds_el_ = ds_ms() - (t0); \
    cr_assert(ds_event_happened(), "FAIL: returned after %lld ms, before %s", \
        (long long)ds_el_, (what)); \
} while(0)

/* `_mem` storage placed flush against a PROT_NONE page, with a canary in
 * front: writing past its end faults, writing before it fails the test at
 * ds_fini(). */
void *ds_guarded(size_t size);

/* Tests: every one runs with the fixture and limits, so a target that
 * crashes or hangs yields a CRASH or TIMEOUT row for that test alone.  The
 * fixture's watchdog (support.c) ends setup after DS_SETUP_LIMIT_MS and a
 * body after DS_BODY_LIMIT_MS (DS_SLOW_LIMIT_MS for the few tests that move
 * much data or loop over allocations): tests take under 0.3 s against ref.
 * Criterion's own timeout, DS_TIMEOUT seconds, is the last guard. */
#define DS_SETUP_LIMIT_MS 500
#define DS_BODY_LIMIT_MS 3000
#define DS_SLOW_LIMIT_MS 8000
#define DS_TIMEOUT 12

/* A test of a function the target does not provide (DS_HAVE_<page> is 0,
 * see cmake/dill_available.h) is not run: FAIL (missing) for a function
 * with a man page, UNTESTED (not provided) for ipc_sendfd/ipc_recvfd. */
_Noreturn void ds_absent(const char *fn);
/* A test needs a function that the target does not provide: UNRESOLVED
 * (support/absent.c calls this from the stand-ins it links). */
_Noreturn void ds_needs_absent(const char *fn);
/* `name` is ERRNO_detail for an errno row, detail otherwise, never a bare
 * errno (it would expand to a number); `clause` says, in our words, what the
 * page promises.  conformance/report/report.py catalogue reads both from here. */
#define DS_TEST(page, name, clause) \
    static void page##__##name##__body(void); \
    Test(page, name, .description = clause, .init = ds_init, \
        .fini = ds_fini, .timeout = DS_TIMEOUT) { \
        if(!DS_HAVE_##page) \
            ds_absent(#page); \
        page##__##name##__body(); \
        ds_hygiene(); \
    } \
    static void page##__##name##__body(void)

/* A function and its _mem twin share one body, run as two tests that must
 * agree: page::name and page_mem::name.  The body gets `mem`. */
#define DS_TWIN(page, name, clause) \
    static void page##__##name(bool mem); \
    DS_TEST(page, name, clause) { page##__##name(false); } \
    DS_TEST(page##_mem, name, clause) { page##__##name(true); } \
    static void page##__##name(bool mem)

/* The twins' calls: heap object, or one in fresh guarded storage. */
int ds_listen(bool mem, const char *addr, int backlog);
int ds_accept(bool mem, int ls, int64_t deadline);
int ds_connect(bool mem, const char *addr, int64_t deadline);
int ds_pair(bool mem, int s[2]);
int ds_fromfd(bool mem, int fd);
int ds_listener_fromfd(bool mem, int fd);

/* Connected pairs made three ways, so a test can run over each. */
enum ds_conn_kind { DS_PAIR, DS_LISTEN_CONNECT, DS_FROMFD };
void ds_connect_pair(enum ds_conn_kind kind, int s[2]);

/* A listener on ds_path(name) and a client connected to it; `srv` gets the
 * accepted end.  Returns the listener. */
int ds_listener_with_client(const char *name, int *cli, int *srv);

/* More bytes than any socket buffer holds: a send of this many to a peer
 * that does not read must block. */
#define DS_BIG (16u << 20)
extern char ds_big[DS_BIG];

/* Handles of each kind, for ENOTSUP rows. */
int ds_bundle_handle(void);       /* an empty bundle */
int ds_coroutine_handle(void);    /* go() of a coroutine that sleeps */

/* The connection a-b still carries bytes both ways (after an error that
 * must have changed nothing). */
void ds_expect_usable(int a, int b);

/* A handle number that was valid and is now closed. */
int ds_closed_handle(void);

#endif
