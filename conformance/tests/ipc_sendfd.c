/* ipc_sendfd and ipc_recvfd (no man page upstream: shared/spec/ipc_sendfd.md). */
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "support.h"

/* A pair whose s[0] has sent `before`, the read end of a new pipe `p`,
 * then `after` ("" for none): what s[1] is to receive. */
static void pair_carrying_pipe(int s[2], int p[2], const char *before, const char *after) {
    DS_SETUP(ipc_pair(s) == 0 && pipe(p) == 0);
    if(*before)
        DS_SETUP(bsend(s[0], before, strlen(before), now() + 1000) == 0);
    DS_SETUP(ipc_sendfd(s[0], p[0], now() + 1000) == 0);
    if(*after)
        DS_SETUP(bsend(s[0], after, strlen(after), now() + 1000) == 0);
}

DS_TEST(ipc_sendfd, passes_working_fd,
    "the receiver gets a new descriptor for the same open file; the sender keeps its own") {
    int s[2], p[2];
    DS_SETUP(ipc_pair(s) == 0 && pipe(p) == 0);
    DS_EXPECT_RC(ipc_sendfd(s[0], p[1], now() + 1000), 0);
    /* Checked before ipc_recvfd, whose new fd could take a closed number. */
    cr_assert(fcntl(p[1], F_GETFD) != -1, "FAIL: the sender's fd was closed");
    int fd = ipc_recvfd(s[1], now() + 1000);
    DS_EXPECT_HANDLE(fd);
    DS_SETUP(write(fd, "z", 1) == 1);
    char c;
    DS_SETUP(read(p[0], &c, 1) == 1);
    cr_assert(c == 'z', "FAIL: the passed fd is not the same pipe");
    close(fd), close(p[0]), close(p[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_sendfd, ordered_with_bytes,
    "bytes before the descriptor are read before it, bytes after it after it") {
    int s[2], p[2];
    pair_carrying_pipe(s, p, "ab", "cd");
    char buf[2];
    DS_EXPECT_RC(brecv(s[1], buf, 2, now() + 1000), 0);
    cr_assert(memcmp(buf, "ab", 2) == 0, "FAIL: bytes before the fd changed");
    int fd = ipc_recvfd(s[1], now() + 1000);
    DS_EXPECT_HANDLE(fd);
    DS_EXPECT_RC(brecv(s[1], buf, 2, now() + 1000), 0);
    cr_assert(memcmp(buf, "cd", 2) == 0, "FAIL: bytes after the fd changed");
    close(fd), close(p[0]), close(p[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

/* Whether a pipe's read end is still open anywhere (in this process or in
 * a socket's queue): its write end says POLLERR once no reader is left. */
static bool pipe_has_reader(int wr) {
    struct pollfd p = {.fd = wr, .events = POLLOUT};
    return poll(&p, 1, 0) == 1 && !(p.revents & POLLERR);
}

/* A receiver that reads ahead (buffers more than it was asked for) must
 * still find the descriptor at its byte: the bytes around it are taken one
 * call at a time, all sent before the first receive. */
DS_TEST(ipc_sendfd, ordered_byte_by_byte,
    "bytes before the descriptor, received one brecv each, come before it, the bytes after it after it") {
    int s[2], p[2];
    pair_carrying_pipe(s, p, "ab", "cd");
    char c;
    for(const char *want = "ab"; *want; want++) {
        DS_EXPECT_RC(brecv(s[1], &c, 1, now() + 1000), 0);
        cr_assert(c == *want, "FAIL: byte %c before the fd came as %c", *want, c);
    }
    int fd = ipc_recvfd(s[1], now() + 1000);
    DS_EXPECT_HANDLE(fd);
    DS_SETUP(write(p[1], "z", 1) == 1);
    cr_assert(read(fd, &c, 1) == 1 && c == 'z', "FAIL: the fd received is not the pipe sent");
    for(const char *want = "cd"; *want; want++) {
        DS_EXPECT_RC(brecv(s[1], &c, 1, now() + 1000), 0);
        cr_assert(c == *want, "FAIL: byte %c after the fd came as %c", *want, c);
    }
    close(fd), close(p[0]), close(p[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_sendfd, two_in_a_row,
    "two descriptors sent back to back, with bytes before them, arrive as two, in order") {
    int s[2], a[2], b[2];
    DS_SETUP(ipc_pair(s) == 0 && pipe(a) == 0 && pipe(b) == 0);
    DS_SETUP(bsend(s[0], "x", 1, now() + 1000) == 0);
    DS_SETUP(ipc_sendfd(s[0], a[0], now() + 1000) == 0);
    DS_SETUP(ipc_sendfd(s[0], b[0], now() + 1000) == 0);
    DS_SETUP(write(a[1], "A", 1) == 1 && write(b[1], "B", 1) == 1);
    char c;
    DS_EXPECT_RC(brecv(s[1], &c, 1, now() + 1000), 0);
    cr_assert(c == 'x', "FAIL: the byte before the fds came as %c", c);
    for(const char *want = "AB"; *want; want++) {
        int fd = ipc_recvfd(s[1], now() + 1000);
        DS_EXPECT_HANDLE(fd);
        cr_assert(read(fd, &c, 1) == 1 && c == *want,
            "FAIL: descriptor %c came out of order or not at all", *want);
        close(fd);
    }
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_sendfd, closed_by_plain_brecv,
    "a descriptor whose byte a plain brecv takes is closed, not kept open") {
    int s[2], p[2];
    pair_carrying_pipe(s, p, "a", "b");
    close(p[0]);
    char buf[3];
    DS_EXPECT_RC(brecv(s[1], buf, 3, now() + 1000), 0);
    cr_assert(buf[0] == 'a' && buf[2] == 'b', "FAIL: the bytes around the fd's changed");
    cr_assert(!pipe_has_reader(p[1]), "FAIL: the passed fd is still open after brecv took its byte");
    close(p[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_sendfd, freed_by_hclose_unreceived,
    "closing a connection releases a descriptor that arrived but was never received") {
    int s[2], p[2];
    pair_carrying_pipe(s, p, "a", "");
    close(p[0]);
    char c;
    DS_SETUP(brecv(s[1], &c, 1, now() + 1000) == 0 && c == 'a');
    DS_EXPECT_RC(hclose(s[1]), 0);
    cr_assert(!pipe_has_reader(p[1]), "FAIL: the fd never received is still open after hclose");
    close(p[1]);
    DS_SETUP(hclose(s[0]) == 0);
}

DS_TEST(ipc_recvfd, EPROTO_plain_byte,
    "a byte that arrives without a descriptor: EPROTO") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(bsend(s[0], "x", 1, now() + 1000) == 0);
    DS_EXPECT_ERR(ipc_recvfd(s[1], now() + 1000), EPROTO, FD_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_recvfd, EPROTO_stream_goes_on,
    "after EPROTO the stream goes on at the next byte, and a descriptor after it still arrives") {
    int s[2], p[2];
    pair_carrying_pipe(s, p, "xy", "");
    DS_EXPECT_ERR(ipc_recvfd(s[1], now() + 1000), EPROTO, FD_ERRS);
    char c;
    DS_EXPECT_RC(brecv(s[1], &c, 1, now() + 1000), 0);
    cr_assert(c == 'y', "FAIL: after EPROTO the next byte came as %c, not y", c);
    int fd = ipc_recvfd(s[1], now() + 1000);
    DS_EXPECT_HANDLE(fd);
    close(fd), close(p[0]), close(p[1]);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_sendfd, EINVAL_negative_fd, "fd negative: EINVAL") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_EXPECT_ERR(ipc_sendfd(s[0], -1, now() + 1000), EINVAL, FD_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_sendfd, EBADF_minus_one, "s = -1 is an invalid handle: EBADF") {
    DS_EXPECT_ERR(ipc_sendfd(-1, 0, 0), EBADF, FD_ERRS);
}

DS_TEST(ipc_recvfd, EBADF_minus_one, "s = -1 is an invalid handle: EBADF") {
    DS_EXPECT_ERR(ipc_recvfd(-1, 0), EBADF, FD_ERRS);
}

DS_TEST(ipc_sendfd, ENOTSUP_listener, "a listener is not an IPC connection: ENOTSUP") {
    int ls = ipc_listen(ds_path("f.ipc"), 1);
    DS_SETUP(ls >= 0);
    DS_EXPECT_ERR(ipc_sendfd(ls, 0, 0), ENOTSUP, FD_ERRS);
    DS_SETUP(hclose(ls) == 0);
}

DS_TEST(ipc_recvfd, ENOTSUP_bundle, "a bundle is not an IPC connection: ENOTSUP") {
    int b = ds_bundle_handle();
    DS_EXPECT_ERR(ipc_recvfd(b, 0), ENOTSUP, FD_ERRS);
    DS_SETUP(hclose(b) == 0);
}

DS_TEST(ipc_recvfd, ETIMEDOUT_deadline_0, "nothing to receive and deadline 0: ETIMEDOUT without blocking") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(ipc_recvfd(s[1], 0), ETIMEDOUT, FD_ERRS);
    DS_EXPECT_FAST(t0);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_recvfd, ETIMEDOUT_timed, "nothing to receive and a timed deadline: ETIMEDOUT on time") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    int64_t t0 = ds_ms(), dl = now() + 100;
    DS_EXPECT_ERR(ipc_recvfd(s[1], dl), ETIMEDOUT, FD_ERRS);
    DS_EXPECT_EXPIRY(t0, dl, 100);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_sendfd, EPIPE_after_done, "the sending direction was closed (ipc_done): EPIPE") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(ipc_done(s[0], now() + 1000) == 0);
    DS_EXPECT_ERR(ipc_sendfd(s[0], 0, now() + 1000), EPIPE, FD_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TEST(ipc_recvfd, EPIPE_after_peer_done, "the peer closed its sending direction: EPIPE") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(ipc_done(s[0], now() + 1000) == 0);
    DS_EXPECT_ERR(ipc_recvfd(s[1], now() + 1000), EPIPE, FD_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}
