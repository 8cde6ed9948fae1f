/* fdclean(3): "This function drops any state that libdill associates with
 * a file descriptor.  It has to be called before the file descriptor is
 * closed."  What it must leave: the fd itself, open and as it was; and
 * nothing of the old fd that could reach a new one with the same number
 * (libdill#129, #236: a stale poll-set entry made a new socket with a
 * reused number hang or trip an assertion). */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core.h"

/* `fresh` moved to the number `old` (which must be free), so that a new
 * object has the number a closed one had. */
static int renumber(int fresh, int old) {
    if(fresh == old)
        return old;
    DS_SETUP(fcntl(old, F_GETFD) == -1);
    DS_SETUP(dup2(fresh, old) == old);
    DS_SETUP(close(fresh) == 0);
    return old;
}

static coroutine void write_later(int fd, int ms) {
    if(msleep(now() + ms) == 0)
        write(fd, "y", 1);
}

/* The new pipe under the old read end's number behaves as a new pipe: no
 * stale readiness (a timed wait times out on time), and its own readiness
 * ends a wait (no stale registration that hides it). */
static void expect_fresh_pipe(int rd, int wr) {
    int64_t t0 = ds_ms(), dl = now() + 100;
    DS_EXPECT_ERR(fdin(rd, dl), ETIMEDOUT, FDIN_ERRS);
    DS_EXPECT_EXPIRY(t0, dl, 100);
    int cr = go(write_later(wr, 50));
    DS_SETUP(cr >= 0);
    t0 = ds_ms();
    DS_EXPECT_RC(fdin(rd, now() + 1000), 0);
    cr_assert(ds_ms() - t0 <= 50 + DS_LATE_MS, "FAIL: the new pipe's byte was "
        "seen %lld ms late", (long long)(ds_ms() - t0 - 50));
    DS_SETUP(hclose(cr) == 0);
}

static void close_and_reuse(bool waited_ok) {
    int a[2], b[2];
    ds_pipe(a);
    if(waited_ok) {
        DS_SETUP(write(a[1], "x", 1) == 1);
        DS_SETUP(fdin(a[0], now() + 1000) == 0);
    } else {
        DS_SETUP(fdin(a[0], now() + 50) == -1 && errno == ETIMEDOUT);
    }
    int old = a[0];
    ds_pipe_close(a);
    ds_pipe(b);
    b[0] = renumber(b[0], old);
    expect_fresh_pipe(b[0], b[1]);
    ds_pipe_close(b);
}

DS_TEST(fdclean, reused_number_after_timeout,
    "fdin timed out, fdclean, close: a new pipe with the same fd number times out on time and wakes on its own byte") {
    close_and_reuse(false);
}

DS_TEST(fdclean, reused_number_after_wait,
    "fdin succeeded, fdclean, close: a new pipe with the same fd number times out on time and wakes on its own byte") {
    close_and_reuse(true);
}

DS_TEST(fdclean, fd_stays_open,
    "the fd itself is left open and as it was: its unread byte is still there, and fdin works on it again") {
    int p[2];
    ds_pipe(p);
    DS_SETUP(write(p[1], "x", 1) == 1);
    DS_SETUP(fdin(p[0], now() + 1000) == 0);
    fdclean(p[0]);
    cr_assert(fcntl(p[0], F_GETFD) != -1, "FAIL: fdclean closed the fd");
    DS_EXPECT_RC(fdin(p[0], now() + 1000), 0);
    char c;
    cr_assert(read(p[0], &c, 1) == 1 && c == 'x', "FAIL: the unread byte is gone");
    expect_fresh_pipe(p[0], p[1]);
    ds_pipe_close(p);
}

DS_TEST(fdclean, unknown_fd,
    "fdclean of an fd libdill never waited on changes nothing: it stays open and fdin works on it") {
    int p[2];
    ds_pipe(p);
    fdclean(p[0]);
    cr_assert(fcntl(p[0], F_GETFD) != -1, "FAIL: fdclean closed the fd");
    expect_fresh_pipe(p[0], p[1]);
    ds_pipe_close(p);
}

/* A socket waited on in both directions, cleaned and closed; a new socket
 * under its number works both ways. */
DS_TEST(fdclean, reused_number_both_directions,
    "fdin and fdout on a socket, fdclean, close: a new socket with the same number is writeable at once and readable when a byte comes") {
    int a[2], b[2];
    DS_SETUP(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a) == 0);
    DS_SETUP(fdout(a[0], now() + 1000) == 0);
    DS_SETUP(fdin(a[0], now() + 50) == -1 && errno == ETIMEDOUT);
    int old = a[0];
    for(int i = 0; i < 2; i++) {
        fdclean(a[i]);
        DS_SETUP(close(a[i]) == 0);
    }
    DS_SETUP(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b) == 0);
    b[0] = renumber(b[0], old);
    int64_t t0 = ds_ms();
    DS_EXPECT_RC(fdout(b[0], now() + 1000), 0);
    DS_EXPECT_FAST(t0);
    expect_fresh_pipe(b[0], b[1]);
    for(int i = 0; i < 2; i++) {
        fdclean(b[i]);
        DS_SETUP(close(b[i]) == 0);
    }
}
