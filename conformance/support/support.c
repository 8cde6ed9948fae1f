/* The conformance suite's shared helpers (see support.h). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "dc_guarded.h"
#include "dc_hygiene.h"
#include "inject.h"
#include "support.h"

#ifdef DS_ASAN
#include <sanitizer/lsan_interface.h>
#endif

char ds_big[DS_BIG];

static char dir[64];
static char path[256];
static int fds_before;

#define MAX_GUARDED 64
static void *guarded[MAX_GUARDED];
static int nguarded;

int64_t ds_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ds_ms_coarse(void) {
    struct timespec ts;
#ifdef CLOCK_MONOTONIC_COARSE
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool event;

void ds_event_reset(void) { event = false; }
void ds_event_happens(void) { event = true; }
bool ds_event_happened(void) { return event; }

static coroutine void send_after_yield(int s) {
    yield();
    bsend(s, "w", 1, now() + 1000);
}

static coroutine void write_after_yield(int fd) {
    yield();
    if(write(fd, "w", 1) != 1)
        return;
}

/* The same wait for a build without IPC (before libdill 1.4): a pipe. */
static void warm_up_fd(void) {
    int p[2];
    if(pipe(p) != 0)
        return;
    int cr = go(write_after_yield(p[1]));
    fdin(p[0], now() + DS_SETUP_LIMIT_MS / 2);
    if(cr >= 0)
        hclose(cr);
    fdclean(p[0]);
    close(p[0]);
    close(p[1]);
}

/* Makes the target create whatever it keeps for itself (a poller fd) before
 * the fds are counted: one wait that must block, since the byte is sent only
 * after the receiver waits.  (A wait bound to fail, brecv(..., now() + 1),
 * can find its deadline already past on a coarse clock and never reach the
 * poller; the test then sees the poller's fd as its own leak.) */
static void warm_up(void) {
    if(!DS_HAVE_ipc_pair || !DS_HAVE_bsend || !DS_HAVE_brecv) {
        warm_up_fd();
        return;
    }
    int s[2];
    if(ipc_pair(s) != 0)
        return;
    int cr = go(send_after_yield(s[1]));
    char c;
    brecv(s[0], &c, 1, now() + DS_SETUP_LIMIT_MS / 2);
    if(cr >= 0)
        hclose(cr);
    hclose(s[0]);
    hclose(s[1]);
}

/* The watchdog.  A call that never returns would otherwise hold the test
 * until Criterion's timeout, and a target where every wait hangs would hold
 * each test that long: the run would take hours.  SIGALRM ends the test
 * from inside (the runner keeps the message, and reports TIMEOUT); the
 * process is about to end, so the target's state no longer matters. */
static const char *watched;
static int watched_ms;

static void on_alarm(int sig) {
    (void)sig;
    cr_assert_fail("TIMEOUT: %s did not finish within %d ms", watched, watched_ms);
}

static void watch(const char *what, int ms) {
    watched = what;
    watched_ms = ms;
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval t = {.it_value = {ms / 1000, ms % 1000 * 1000}};
    setitimer(ITIMER_REAL, &t, NULL);
}

static void unwatch(void) {
    struct itimerval t = {0};
    setitimer(ITIMER_REAL, &t, NULL);
}

/* Tests that take longer by design: much data, or one allocation failure
 * after another. */
static int body_limit_ms(void) {
    static const char *slow[] = {"big_transfer_intact", "ENOMEM_allocation_loop",
        "many_at_once", NULL};
    const char *name = criterion_current_test ? criterion_current_test->name : "";
    for(const char **n = slow; *n; n++)
        if(!strcmp(name, *n))
            return DS_SLOW_LIMIT_MS;
    return DS_BODY_LIMIT_MS;
}

/* The private directory goes under $TMPDIR when it is short (ci/conformance
 * makes one directory per run there and removes it, whatever a test died
 * of), else under /tmp: socket paths must stay under 108 bytes. */
void ds_init(void) {
    DS_SETUP(dc_dir_make(dir, sizeof(dir), "dsc") == 0);
    watch("setup (a wait that the peer ends at once)", DS_SETUP_LIMIT_MS);
    warm_up();
    fds_before = dc_fds_open(NULL, 0);
    watch("the test", body_limit_ms());
}

_Noreturn void ds_absent(const char *fn) {
    if(!strncmp(fn, "dill_", 5))
        fn += 5;
    if(!strcmp(fn, "ipc_sendfd") || !strcmp(fn, "ipc_recvfd"))
        cr_skip_test("UNTESTED (not provided): the target does not provide %s "
            "(it has no man page; spec/ipc_sendfd.md is the project's)", fn);
    cr_assert_fail("FAIL (missing): the target does not provide %s, which its man page "
        "documents (not declared by libdill.h or not exported by the library)", fn);
    abort();
}

_Noreturn void ds_needs_absent(const char *fn) {
    cr_assert_fail("UNRESOLVED: the test needs %s, which the target does not provide", fn);
    abort();
}

/* Fds are the target's or the test's, and any leak fails; so does a write
 * before a _mem object's storage, and, under ASan, memory no pointer reaches
 * any more (LeakSanitizer's own check at exit comes after Criterion has
 * taken the verdict, and would not change it). */
void ds_hygiene(void) {
    ds_regain_root();
    ds_restore_emfile();
    for(int i = 0; i < nguarded; i++) {
        size_t before = dc_guarded_overrun(guarded[i]);
        cr_expect(before == 0, "FAIL: the object wrote %zu bytes before its storage",
            before);
    }
    int leaked = dc_fds_open(NULL, 0) - fds_before;
    cr_expect(leaked <= 0, "FAIL: %d file descriptor(s) leaked", leaked);
#ifdef DS_ASAN
    cr_expect(__lsan_do_recoverable_leak_check() == 0,
        "FAIL: LeakSanitizer found memory leaked (its report is in the log)");
#endif
}

/* Socket files are the test's to remove (ipc_listen(3) says nothing of
 * unlinking), so leftovers are cleaned, not blamed. */
void ds_fini(void) {
    unwatch();
    ds_regain_root();
    dc_dir_remove(dir);
}

const char *ds_dir(void) {
    return dir;
}

const char *ds_path(const char *name) {
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

const char *ds_errno_verdict(int got, const int *documented) {
    for(const int *e = documented; *e; e++)
        if(*e == got)
            return "FAIL";
    return "UNDOCUMENTED-ERRNO";
}

/******************************************************************************/
/*  Guarded storage                                                           */
/******************************************************************************/

void *ds_guarded(size_t size) {
    void *mem = dc_guarded(size);
    DS_SETUP(mem != NULL);
    DS_SETUP(nguarded < MAX_GUARDED);
    guarded[nguarded++] = mem;
    return mem;
}

int ds_listen(bool mem, const char *addr, int backlog) {
    return mem ? ipc_listen_mem(addr, backlog,
                     ds_guarded(sizeof(struct ipc_listener_storage)))
               : ipc_listen(addr, backlog);
}

int ds_accept(bool mem, int ls, int64_t deadline) {
    return mem ? ipc_accept_mem(ls, ds_guarded(sizeof(struct ipc_storage)), deadline)
               : ipc_accept(ls, deadline);
}

int ds_connect(bool mem, const char *addr, int64_t deadline) {
    return mem ? ipc_connect_mem(addr, ds_guarded(sizeof(struct ipc_storage)), deadline)
               : ipc_connect(addr, deadline);
}

int ds_pair(bool mem, int s[2]) {
    return mem ? ipc_pair_mem(ds_guarded(sizeof(struct ipc_pair_storage)), s)
               : ipc_pair(s);
}

int ds_fromfd(bool mem, int fd) {
    return mem ? ipc_fromfd_mem(fd, ds_guarded(sizeof(struct ipc_storage)))
               : ipc_fromfd(fd);
}

int ds_listener_fromfd(bool mem, int fd) {
    return mem ? ipc_listener_fromfd_mem(fd,
                     ds_guarded(sizeof(struct ipc_listener_storage)))
               : ipc_listener_fromfd(fd);
}

/******************************************************************************/
/*  Objects                                                                   */
/******************************************************************************/

int ds_listener_with_client(const char *name, int *cli, int *srv) {
    int ls = ipc_listen(ds_path(name), 10);
    DS_SETUP(ls >= 0);
    *cli = ipc_connect(ds_path(name), now() + 5000);
    DS_SETUP(*cli >= 0);
    *srv = ipc_accept(ls, now() + 5000);
    DS_SETUP(*srv >= 0);
    return ls;
}

void ds_connect_pair(enum ds_conn_kind kind, int s[2]) {
    switch(kind) {
    case DS_PAIR:
        DS_SETUP(ipc_pair(s) == 0);
        return;
    case DS_LISTEN_CONNECT: {
        int ls = ds_listener_with_client("pair.ipc", &s[0], &s[1]);
        DS_SETUP(hclose(ls) == 0);
        unlink(ds_path("pair.ipc"));
        return;
    }
    case DS_FROMFD: {
        int fds[2];
        DS_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        s[0] = ipc_fromfd(fds[0]);
        s[1] = ipc_fromfd(fds[1]);
        DS_SETUP(s[0] >= 0 && s[1] >= 0);
        return;
    }
    }
}

static coroutine void sleep_forever(void) {
    msleep(-1);
}

int ds_bundle_handle(void) {
    int b = bundle();
    DS_SETUP(b >= 0);
    return b;
}

int ds_coroutine_handle(void) {
    int h = go(sleep_forever());
    DS_SETUP(h >= 0);
    return h;
}

int ds_closed_handle(void) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(hclose(s[1]) == 0);
    DS_SETUP(hclose(s[0]) == 0);
    return s[0];
}

static void expect_carries(int from, int to, const char *bytes) {
    char buf[2];
    int rc = bsend(from, bytes, 2, now() + 1000);
    cr_assert(rc == 0, "FAIL: afterwards bsend failed (errno %s): the error changed "
        "the connection", ds_errname(errno));
    rc = brecv(to, buf, 2, now() + 1000);
    cr_assert(rc == 0, "FAIL: afterwards brecv failed (errno %s): the error changed "
        "the connection", ds_errname(errno));
    cr_assert(memcmp(buf, bytes, 2) == 0, "FAIL: afterwards the bytes changed in transit");
}

void ds_expect_usable(int a, int b) {
    expect_carries(a, b, "ab");
    expect_carries(b, a, "ba");
}
