/* Stream socket I/O: try the syscall, wait for the fd when it says the
 * socket is not ready (EAGAIN, or a short transfer that proves it), repeat.
 * Receives read ahead into the connection's buffer (rxbuf.h), which keeps a
 * descriptor passed with ipc_sendfd at its place in the stream. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iolist.h"
#include "poller.h"
#include "runtime.h"
#include "sockio.h"

#define DILL_IOV_MAX 64
#define DILL_SCRATCH 4096
#define DILL_CMSG_FDS 8

/* A socket call failed for good: the peer is gone (EPIPE, ECONNRESET) or
 * worse.  The pages' word for that is ECONNRESET, "Broken connection";
 * their EPIPE, "Closed connection", is an orderly end: the peer's
 * ipc_done(3) seen by a receiver, or our own seen by a sender.  A receiver
 * whose peer closed with our bytes unread meets a reset: broken as well. */
/* spine: brecv/ECONNRESET/peer-reset */
/* spine: brecvl/ECONNRESET/peer-reset */
/* spine: bsend/ECONNRESET/peer-closed */
/* spine: bsendl/ECONNRESET/peer-closed */
static int dill_sock_fail(void) {
    errno = ECONNRESET;
    return -1;
}

/* After a socket call failed: 0 when it should be tried again (EINTR, or
 * EAGAIN and the fd became ready), else -1 with errno. */
static int dill_sock_retry(int fd, enum dill_direction dir, int64_t deadline) {
    if(errno == EINTR)
        return 0;
    if(errno == EAGAIN || errno == EWOULDBLOCK)
        return dill_fd_wait(fd, dir, deadline);
    return dill_sock_fail();
}

/* The first descriptor a message carried, or -1; any others are closed. */
static int dill_take_fd(struct msghdr *m) {
    int got = -1;
    for(struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
        if(c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for(size_t i = 0; i < n; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if(got < 0)
                got = fd;
            else
                close(fd);
        }
    }
    return got;
}

static size_t dill_iov_len(const struct iovec *iov, size_t n) {
    size_t len = 0;
    for(size_t i = 0; i < n; i++)
        len += iov[i].iov_len;
    return len;
}

/* After a call that proved `fd` not ready in `dir` without saying EAGAIN:
 * may we wait for it at once?  Only when epoll was already watching that
 * direction before the call, so that any change since is reported (see
 * dill_fd_watched), and when the deadline allows a wait at all (if not,
 * asking again is the only chance left). */
static bool dill_sock_may_wait(int fd, enum dill_direction dir,
      int64_t deadline) {
    return dill_fd_watched(fd, dir) && !dill_deadline_immediate(deadline);
}

/* `n` bytes went through `s`: the other end of an in-thread pair became
 * ready in `dir` (readable after a send, writable after a receive). */
static void dill_sock_moved(struct dill_sock s, ssize_t n,
      enum dill_direction dir) {
    if(n <= 0 || s.peer < 0)
        return;
    if(dir == DILL_IN)
        dill_rxbuf_queue_unknown(s.peer_rx);
    dill_fd_notify(s.peer, dir);
}

/* spine: bsend/roundtrip-fromfd */
/* spine: bsend/roundtrip-listen-connect */
/* spine: bsend/roundtrip-pair */
/* spine: bsend/spans-kernel-buffers */
/* spine: bsendl/roundtrip-fromfd */
/* spine: bsendl/roundtrip-listen-connect */
/* spine: bsendl/roundtrip-pair */
/* spine: bsendl/spans-kernel-buffers */
int dill_sock_send(struct dill_sock s, struct dill_iolist *first,
      int64_t deadline) {
    struct dill_iocursor cur = dill_iocursor_start(first);
    while(!dill_iocursor_done(&cur)) {
        struct iovec iov[DILL_IOV_MAX];
        struct msghdr m = {.msg_iov = iov};
        m.msg_iovlen = (size_t)dill_iocursor_fill(&cur, iov, DILL_IOV_MAX, NULL, 0);
        ssize_t n = sendmsg(s.fd, &m, MSG_NOSIGNAL);
        dill_sock_moved(s, n, DILL_IN);
        if(n < 0) {
            if(dill_sock_retry(s.fd, DILL_OUT, deadline) < 0)
                return -1;
            continue;
        }
        dill_iocursor_advance(&cur, (size_t)n);
        /* A short send: the kernel stopped copying because the buffer was
         * full (or the connection broke).  Asking again would only fetch
         * EAGAIN, so wait for room at once. */
        if(!dill_iocursor_done(&cur) &&
           (size_t)n < dill_iov_len(iov, m.msg_iovlen) &&
           dill_sock_may_wait(s.fd, DILL_OUT, deadline) &&
           dill_fd_wait(s.fd, DILL_OUT, deadline) < 0)
            return -1;
    }
    return 0;
}

/* The iovecs of one receive: the rest of the list (at most
 * DILL_IOV_MAX items of it), and when that is all of it and it is smaller
 * than the buffer, the empty read-ahead buffer after it.  (For a bigger
 * receive the system call is a small part of the cost, and bytes read ahead
 * would be copied twice.)  Returns how many bytes the list asks for; *room
 * is what the iovecs hold, the buffer included. */
static size_t dill_sock_recv_iov(const struct dill_iocursor *cur,
      struct dill_rxbuf *rx, struct iovec *iov, size_t *iovlen, size_t *room,
      void *scratch) {
    int n = dill_iocursor_fill(cur, iov, DILL_IOV_MAX, scratch, DILL_SCRATCH);
    size_t asked = dill_iov_len(iov, (size_t)n);
    struct dill_iocursor end = *cur;
    dill_iocursor_advance(&end, asked);
    *room = asked;
    if(asked < sizeof(rx->data) && dill_iocursor_done(&end)) {
        iov[n].iov_base = rx->data;
        iov[n].iov_len = sizeof(rx->data);
        *room += sizeof(rx->data);
        n++;
    }
    *iovlen = (size_t)n;
    return asked;
}

/* `n` bytes arrived for a receive that asked for `asked`, with `fd` (or
 * -1): what lies beyond goes to the read-ahead buffer, the descriptor with
 * it.  A descriptor that came with a byte the list asked for arrived where
 * plain bytes were expected, and is closed (reading 11).  Returns the
 * list's share. */
/* spine: ipc_sendfd/closed-by-plain-brecv */
static size_t dill_sock_arrived(struct dill_rxbuf *rx, size_t n, size_t asked,
      int fd) {
    if(n > asked) {
        dill_rxbuf_filled(rx, n - asked, fd);
        return asked;
    }
    if(fd >= 0)
        close(fd);
    return n;
}

/* A read of `n` bytes, with `fd` or not, into iovecs holding `room`:
 * between the ends of a pair, one that stopped short of their end and not
 * at a descriptor emptied the kernel's queue, which stays empty until the
 * peer writes. */
static void dill_sock_note_drained(struct dill_sock s, ssize_t n, size_t room,
      int fd) {
    if(s.peer >= 0 && fd < 0 && (size_t)n < room)
        dill_rxbuf_drained(s.rx);
}

/* Between the ends of a pair, a queue known to be empty is not asked for
 * its EAGAIN: the receiver waits at once for the peer's next write, end or
 * close (each wakes it directly), then reads whatever woke it. */
static int dill_sock_await_peer(struct dill_sock s, int64_t deadline) {
    if(!dill_rxbuf_queue_empty(s.rx))
        return 0;
    int rc = dill_fd_wait(s.fd, DILL_IN, deadline);
    dill_rxbuf_queue_unknown(s.rx);
    return rc;
}

/* Buffered bytes first; then the kernel's, read ahead into the buffer
 * (rxbuf.h) when the list's rest fits in one call. */
/* ref/README reading 18 */
/* spine: brecv/ETIMEDOUT/null-buffer */
/* spine: brecv/null-buffer-discards */
/* spine: brecv/roundtrip-pair */
/* spine: brecv/spans-kernel-buffers */
/* spine: brecvl/ETIMEDOUT/null-buffer */
/* spine: brecvl/big-transfer-intact */
/* spine: brecvl/null-base-skips */
/* spine: brecvl/null-buffer-discards */
/* spine: brecvl/roundtrip-pair */
/* spine: brecvl/spans-kernel-buffers */
int dill_sock_recv(struct dill_sock s, struct dill_iolist *first,
      int64_t deadline) {
    char scratch[DILL_SCRATCH];
    struct dill_iocursor cur = dill_iocursor_start(first);
    dill_rxbuf_take(s.rx, &cur);
    while(!dill_iocursor_done(&cur)) {
        if(dill_sock_await_peer(s, deadline) < 0)
            return -1;
        struct iovec iov[DILL_IOV_MAX + 1];
        char control[CMSG_SPACE(sizeof(int) * DILL_CMSG_FDS)];
        struct msghdr m = {.msg_iov = iov,
            .msg_control = control, .msg_controllen = sizeof(control)};
        size_t room;
        size_t asked = dill_sock_recv_iov(&cur, s.rx, iov, &m.msg_iovlen, &room, scratch);
        ssize_t n = recvmsg(s.fd, &m, MSG_CMSG_CLOEXEC);
        dill_sock_moved(s, n, DILL_OUT);
        if(n > 0) {
            int fd = dill_take_fd(&m);
            dill_sock_note_drained(s, n, room, fd);
            dill_iocursor_advance(&cur,
                dill_sock_arrived(s.rx, (size_t)n, asked, fd));
        } else if(n == 0) {
            /* spine: brecv/EPIPE/after-peer-done */
            /* spine: brecv/EPIPE/after-short-read */
            /* spine: brecv/EPIPE/null-buffer-after-done */
            /* spine: brecvl/EPIPE/after-peer-done */
            /* spine: brecvl/EPIPE/after-short-read */
            /* spine: brecvl/EPIPE/null-buffer-after-done */
            errno = EPIPE;      /* the peer ended the stream (ipc_done(3)) */
            return -1;
        } else if(dill_sock_retry(s.fd, DILL_IN, deadline) < 0) {
            return -1;
        }
    }
    return 0;
}

int dill_sock_drain(struct dill_sock s, int64_t deadline) {
    char scratch[DILL_SCRATCH];
    dill_rxbuf_clear(s.rx);
    for(;;) {
        ssize_t n = recv(s.fd, scratch, sizeof(scratch), 0);
        dill_sock_moved(s, n, DILL_OUT);
        if(n == 0)
            return 0;
        if(n < 0 && dill_sock_retry(s.fd, DILL_IN, deadline) < 0)
            return -1;
    }
}

/* spine: brecv/fd-byte-after-drain */
/* spine: brecvl/fd-byte-after-drain */
/* spine: ipc_sendfd/ordered-with-bytes */
int dill_sock_send_fd(struct dill_sock s, int passed, int64_t deadline) {
    char byte = 0;
    struct iovec iov = {&byte, 1};
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof(control));
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control, .msg_controllen = sizeof(control)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &passed, sizeof(int));
    for(;;) {
        ssize_t n = sendmsg(s.fd, &m, MSG_NOSIGNAL);
        dill_sock_moved(s, n, DILL_IN);
        if(n == 1)
            return 0;
        if(dill_sock_retry(s.fd, DILL_OUT, deadline) < 0)
            return -1;
    }
}

/* Reads exactly one byte, so that the stream after it stays in the kernel:
 * 0 with *got the descriptor that came with it (or -1), or -1 with errno. */
static int dill_sock_recv_byte(int fd, int *got, int64_t deadline) {
    for(;;) {
        char byte;
        struct iovec iov = {&byte, 1};
        char control[CMSG_SPACE(sizeof(int) * DILL_CMSG_FDS)];
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1,
            .msg_control = control, .msg_controllen = sizeof(control)};
        ssize_t n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
        if(n == 1) {
            *got = dill_take_fd(&m);
            return 0;
        }
        if(n == 0) {
            errno = EPIPE;
            return -1;
        }
        if(dill_sock_retry(fd, DILL_IN, deadline) < 0)
            return -1;
    }
}

/* A byte already read ahead is taken from the buffer, else from the kernel. */
/* spine: ipc_recvfd/EPIPE/after-peer-done */
int dill_sock_recv_fd(struct dill_sock s, int64_t deadline) {
    int got;
    if(!dill_rxbuf_empty(s.rx))
        got = dill_rxbuf_take_fd(s.rx);
    else if(dill_sock_recv_byte(s.fd, &got, deadline) < 0)
        return -1;
    if(got < 0)
        /* spine: ipc_recvfd/EPROTO/plain-byte */
        errno = EPROTO; /* the byte came without a descriptor (reading 11) */
    return got;
}
