/* Moving one message over a socket with bare syscalls: the baseline's
 * counterpart of bsend/brecv and bsendl/brecvl. */
#ifndef DILLSPEC_BENCH_RAW_IO_H
#define DILLSPEC_BENCH_RAW_IO_H
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

/* The part of one message still to be sent or received. */
struct msg_cursor {
    struct iovec iov[4];
    struct iovec *cur;  /* first unfinished piece */
    int cnt;            /* pieces from cur on */
    size_t rest;        /* bytes still to go */
};

/* Points the cursor at a whole message at `base` cut in `pieces` (1 or 4). */
void cursor_start(struct msg_cursor *c, void *base, size_t size, int pieces);
/* One sendmsg/recvmsg on the rest of the message.  Returns the bytes moved;
 * 0 with errno EAGAIN when a non-blocking socket is not ready; -1 on error
 * (a peer that closed early is ECONNRESET). */
ssize_t cursor_send(int fd, struct msg_cursor *c);
ssize_t cursor_recv(int fd, struct msg_cursor *c);

/* Blocking: the whole message, or -1. */
int raw_send_msg(int fd, const void *base, size_t size, int pieces);
int raw_recv_msg(int fd, void *base, size_t size, int pieces);

/* A UNIX stream listener at `path` (non-blocking if asked), or -1. */
int raw_listen(const char *path, int nonblocking);
/* A UNIX stream socket connected to `path`, or -1. */
int raw_connect(const char *path, int nonblocking);
/* Gives a blocking socket send and receive timeouts, so a dead peer is an
 * error rather than a hang. */
int raw_set_timeouts(int fd, int seconds);

#endif
