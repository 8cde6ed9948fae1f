/* fdin(3) and fdout(3): "Waits on a file descriptor (true OS file
 * descriptor, not libdill socket handle) to either become readable
 * [writeable] or get into an error state.  Either case leads to a
 * successful return from the function."  One body per check, run through
 * each page's call (core.h's struct ds_wait: an empty pipe for fdin, a full
 * one for fdout). */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core.h"

DS_TEST(fdin, ready,
    "the fd is ready already: 0 at once, with deadline -1") {
    ds_check_wait_ready(&ds_wait_fdin);
}

DS_TEST(fdout, ready,
    "the fd is ready already: 0 at once, with deadline -1") {
    ds_check_wait_ready(&ds_wait_fdout);
}
DS_TEST(fdin, ETIMEDOUT_deadline_0,
    "deadline 0, the fd not ready: ETIMEDOUT without blocking") {
    ds_check_wait_deadline_0(&ds_wait_fdin);
}

DS_TEST(fdout, ETIMEDOUT_deadline_0,
    "deadline 0, the fd not ready: ETIMEDOUT without blocking") {
    ds_check_wait_deadline_0(&ds_wait_fdout);
}
DS_TEST(fdin, deadline_0_ready,
    "deadline 0, the fd ready: 0 (the operation is performed if possible)") {
    ds_check_wait_deadline_0_ready(&ds_wait_fdin);
}

DS_TEST(fdout, deadline_0_ready,
    "deadline 0, the fd ready: 0 (the operation is performed if possible)") {
    ds_check_wait_deadline_0_ready(&ds_wait_fdout);
}
DS_TEST(fdin, ETIMEDOUT_timed,
    "a timed deadline, the fd not ready: ETIMEDOUT, neither early nor much late") {
    ds_check_wait_deadline_timed(&ds_wait_fdin);
}

DS_TEST(fdout, ETIMEDOUT_timed,
    "a timed deadline, the fd not ready: ETIMEDOUT, neither early nor much late") {
    ds_check_wait_deadline_timed(&ds_wait_fdout);
}
DS_TEST(fdin, ETIMEDOUT_past_deadline,
    "a deadline already past acts like 0: ETIMEDOUT without blocking") {
    ds_check_wait_deadline_past(&ds_wait_fdin);
}

DS_TEST(fdout, ETIMEDOUT_past_deadline,
    "a deadline already past acts like 0: ETIMEDOUT without blocking") {
    ds_check_wait_deadline_past(&ds_wait_fdout);
}
DS_TEST(fdin, deadline_infinite_waits,
    "deadline -1 blocks until the fd becomes ready, and not less") {
    ds_check_wait_deadline_infinite(&ds_wait_fdin);
}

DS_TEST(fdout, deadline_infinite_waits,
    "deadline -1 blocks until the fd becomes ready, and not less") {
    ds_check_wait_deadline_infinite(&ds_wait_fdout);
}
DS_TEST(fdin, ECANCELED_blocked,
    "blocked in the call when its coroutine is closed: ECANCELED at once") {
    ds_check_wait_ecanceled_blocked(&ds_wait_fdin);
}

DS_TEST(fdout, ECANCELED_blocked,
    "blocked in the call when its coroutine is closed: ECANCELED at once") {
    ds_check_wait_ecanceled_blocked(&ds_wait_fdout);
}
DS_TEST(fdin, ECANCELED_after,
    "called in a coroutine already canceled: ECANCELED without blocking") {
    ds_check_wait_ecanceled_after(&ds_wait_fdin);
}

DS_TEST(fdout, ECANCELED_after,
    "called in a coroutine already canceled: ECANCELED without blocking") {
    ds_check_wait_ecanceled_after(&ds_wait_fdout);
}
DS_TEST(fdin, while_others_yield,
    "the fd becoming ready is seen within 250 ms while other coroutines loop on yield()") {
    ds_check_wait_while_others_yield(&ds_wait_fdin);
}

DS_TEST(fdout, while_others_yield,
    "the fd becoming ready is seen within 250 ms while other coroutines loop on yield()") {
    ds_check_wait_while_others_yield(&ds_wait_fdout);
}
/* libdill#71: after fdin/fdout timed out the fd stayed in the poll set, and
 * a later wait tripped an assertion. */
DS_TEST(fdin, ETIMEDOUT_fd_still_waitable,
    "after a timeout the fd is left as it was: another coroutine may wait on it (no EBUSY), its readiness ends that wait, and sleeping works as before") {
    ds_check_wait_after_timeout(&ds_wait_fdin);
}

DS_TEST(fdout, ETIMEDOUT_fd_still_waitable,
    "after a timeout the fd is left as it was: another coroutine may wait on it (no EBUSY), its readiness ends that wait, and sleeping works as before") {
    ds_check_wait_after_timeout(&ds_wait_fdout);
}

/* "EBADF: Not a file descriptor." */
static void expect_ebadf(bool out, int fd) {
    if(out)
        DS_EXPECT_ERR(fdout(fd, now() + 100), EBADF, FDOUT_ERRS);
    else
        DS_EXPECT_ERR(fdin(fd, now() + 100), EBADF, FDIN_ERRS);
}

static int closed_fd(void) {
    int p[2];
    ds_pipe(p);
    DS_SETUP(close(p[0]) == 0 && close(p[1]) == 0);
    return p[0];
}

DS_TEST(fdin, EBADF_minus_one, "fd = -1 is not a file descriptor: EBADF") {
    expect_ebadf(false, -1);
}

DS_TEST(fdout, EBADF_minus_one, "fd = -1 is not a file descriptor: EBADF") {
    expect_ebadf(true, -1);
}

DS_TEST(fdin, EBADF_closed_fd, "a closed fd number: EBADF") {
    expect_ebadf(false, closed_fd());
}

DS_TEST(fdout, EBADF_closed_fd, "a closed fd number: EBADF") {
    expect_ebadf(true, closed_fd());
}

DS_TEST(fdin, EBADF_out_of_range, "fd = 2^30, beyond any process's fds: EBADF") {
    expect_ebadf(false, 1 << 30);
}

DS_TEST(fdout, EBADF_out_of_range, "fd = 2^30, beyond any process's fds: EBADF") {
    expect_ebadf(true, 1 << 30);
}

/* "EBUSY: Another coroutine already blocked on fdin [fdout] with this file
 * descriptor."  The refusal changes nothing: the first wait goes on and
 * ends when the fd becomes ready. */
static struct ds_result first;

static coroutine void wait_first(const struct ds_wait *w, int *p) {
    DS_RESULT(&first, w->call(p, -1));
}

static void check_ebusy(const struct ds_wait *w) {
    int p[2];
    w->make(p);
    int cr = go(wait_first(w, p));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(w->call(p, now() + 100), EBUSY, dc_errors(w->fn));
    DS_EXPECT_FAST(t0);
    cr_assert(!first.returned, "FAIL: the refusal ended the first coroutine's wait");
    w->release(p);
    DS_SETUP(bundle_wait(cr, now() + 1000) == 0 && hclose(cr) == 0);
    errno = first.err;
    DS_EXPECT_RC(first.rc, 0);
    w->drop(p);
}

DS_TEST(fdin, EBUSY_two_coroutines,
    "a second coroutine waiting on the same fd meanwhile: EBUSY at once; the first wait goes on and ends when the fd is ready") {
    check_ebusy(&ds_wait_fdin);
}

DS_TEST(fdout, EBUSY_two_coroutines,
    "a second coroutine waiting on the same fd meanwhile: EBUSY at once; the first wait goes on and ends when the fd is ready") {
    check_ebusy(&ds_wait_fdout);
}

/* EBUSY is per direction: one coroutine in fdin and another in fdout on
 * one socket are no conflict. */
static struct ds_result reading;

static coroutine void wait_readable(int fd) {
    DS_RESULT(&reading, fdin(fd, now() + 2000));
}

DS_TEST(fdin, EBUSY_not_across_directions,
    "fdin in one coroutine and fdout in another on one socket: no EBUSY; fdout returns at once, fdin when a byte comes") {
    int fds[2];
    DS_SETUP(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0);
    int cr = go(wait_readable(fds[0]));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(fdout(fds[0], now() + 1000), 0);
    DS_EXPECT_FAST(t0);
    cr_assert(!reading.returned, "FAIL: fdin returned before a byte came");
    DS_SETUP(write(fds[1], "x", 1) == 1);
    DS_SETUP(bundle_wait(cr, now() + 1000) == 0 && hclose(cr) == 0);
    errno = reading.err;
    DS_EXPECT_RC(reading.rc, 0);
    for(int i = 0; i < 2; i++) {
        fdclean(fds[i]);
        DS_SETUP(close(fds[i]) == 0);
    }
}

/* "... or get into an error state.  Either case leads to a successful
 * return": the other end of the pipe closed. */
DS_TEST(fdin, error_state_succeeds,
    "the pipe's write end closed (end of file): fdin returns 0") {
    int p[2];
    ds_pipe(p);
    int rd = p[0];
    DS_SETUP(close(p[1]) == 0);
    DS_EXPECT_RC(fdin(rd, now() + 1000), 0);
    fdclean(rd);
    DS_SETUP(close(rd) == 0);
}

DS_TEST(fdout, error_state_succeeds,
    "the pipe's read end closed (an error state: writes fail EPIPE): fdout on the full pipe returns 0") {
    int p[2];
    ds_full_pipe(p);
    int wr = p[1];
    DS_SETUP(close(p[0]) == 0);
    DS_EXPECT_RC(fdout(wr, now() + 1000), 0);
    fdclean(wr);
    DS_SETUP(close(wr) == 0);
}

/* A regular file is always readable and writable (poll(2) says so). */
static void check_regular_file(bool out) {
    char path[128];
    snprintf(path, sizeof(path), "%s", ds_path("file"));
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    DS_SETUP(fd >= 0);
    DS_SETUP(write(fd, "x", 1) == 1 && lseek(fd, 0, SEEK_SET) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(out ? fdout(fd, now() + 1000) : fdin(fd, now() + 1000), 0);
    DS_EXPECT_FAST(t0);
    fdclean(fd);
    DS_SETUP(close(fd) == 0);
}

DS_TEST(fdin, regular_file, "a regular file is readable: 0 at once") {
    check_regular_file(false);
}

DS_TEST(fdout, regular_file, "a regular file is writeable: 0 at once") {
    check_regular_file(true);
}
