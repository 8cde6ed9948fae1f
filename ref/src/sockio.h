/* Moving a whole I/O list through a non-blocking stream socket. */
#ifndef DILL_SOCKIO_H
#define DILL_SOCKIO_H

#include <stdint.h>

#include "libdill.h"
#include "rxbuf.h"

/* A socket, and the socket at its other end when that one is ours too, in
 * this thread (ipc_pair), else -1.  Moving bytes through one end makes the
 * other end ready; with `peer` known, its waiters are woken at once rather
 * than at the poller's next look (which costs a syscall, and a sleep when
 * nothing else is ready), and its receiver learns that its queue is no
 * longer empty (rxbuf.h).  epoll still reports both ends as usual. */
struct dill_sock {
    int fd;
    int peer;
    struct dill_rxbuf *rx;  /* the connection's read-ahead */
    struct dill_rxbuf *peer_rx;     /* the peer's, when `peer` is known */
};

/* Sends or receives every byte of the list starting at `first`, waiting as
 * the deadline allows.  0, or -1 with errno: ETIMEDOUT, ECANCELED, EPIPE
 * (peer closed; on receive: end of stream), ECONNRESET (anything else
 * broke: see dill_sock_fail), EBADF (the object was closed meanwhile by
 * another coroutine: the caller must not touch it). */
int dill_sock_send(struct dill_sock s, struct dill_iolist *first,
    int64_t deadline);
int dill_sock_recv(struct dill_sock s, struct dill_iolist *first,
    int64_t deadline);

/* Discards buffered and incoming bytes until the peer ends the stream. */
int dill_sock_drain(struct dill_sock s, int64_t deadline);

/* The one-byte message that carries a descriptor (ipc_sendfd/ipc_recvfd). */
int dill_sock_send_fd(struct dill_sock s, int passed, int64_t deadline);
int dill_sock_recv_fd(struct dill_sock s, int64_t deadline);

#endif
