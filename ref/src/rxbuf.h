/* The read-ahead of a connection: bytes the kernel gave beyond what a
 * receive asked for, kept for the next receive, so that a stream of small
 * messages costs one system call per buffer rather than one per message;
 * and, between the two ends of an ipc_pair, what the receiver knows of the
 * kernel's queue behind it. */
#ifndef DILL_RXBUF_H
#define DILL_RXBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "iolist.h"

#define DILL_RXBUF_SIZE 2048

/* What the receiver knows of the bytes the kernel holds for it.  A read
 * that got less than it asked for, and no descriptor, emptied the queue
 * (a UNIX stream read stops short only there, at a descriptor, at an
 * out-of-band mark or between writers' credentials).  Only between the two
 * ends of an ipc_pair does that stay true: every byte, end of stream or
 * hang-up that reaches the queue then comes from the other end, in this
 * thread, which says so (dill_rxbuf_queue_unknown, dill_rxbuf_peer_ended), so
 * the receiver may wait at once instead of asking the kernel for EAGAIN.
 * Once the peer has ended its stream, a short read says nothing: the end
 * of stream may be waiting behind the bytes read, and only a read tells. */
enum dill_rxqueue {
    DILL_RXQ_UNKNOWN,   /* a read may find bytes */
    DILL_RXQ_EMPTY,     /* nothing until the peer writes */
    DILL_RXQ_ENDED,     /* the peer will write no more: always read */
};

/* A descriptor passed with ipc_sendfd travels with one byte of the stream.
 * The kernel ends a read after the message that carried a descriptor, so
 * the one a read-ahead brings always belongs to the last byte read: `fd`
 * goes with data[len - 1], and nothing more is read ahead until that byte
 * has been taken.  The descriptor therefore keeps its place in the stream:
 * ipc_recvfd at that byte gets it, any other receive that reaches the byte
 * closes it, as the kernel does with a descriptor where plain bytes were
 * expected. */
struct dill_rxbuf {
    size_t pos, len;    /* the unread bytes are data[pos, len) */
    int fd;             /* what came with data[len - 1], or -1 */
    enum dill_rxqueue queue;
    char data[DILL_RXBUF_SIZE];
};

/* An empty buffer of a new connection, which knows nothing of its queue. */
void dill_rxbuf_init(struct dill_rxbuf *rx);

static inline bool dill_rxbuf_empty(const struct dill_rxbuf *rx) {
    return rx->pos == rx->len;
}

/* Moves buffered bytes to the cursor until either is exhausted. */
void dill_rxbuf_take(struct dill_rxbuf *rx, struct dill_iocursor *cur);

/* Takes one byte for ipc_recvfd (the buffer must not be empty): the
 * descriptor that came with it, or -1 when it came alone. */
int dill_rxbuf_take_fd(struct dill_rxbuf *rx);

/* `n` bytes were read into data[0, n) of an empty buffer, with `fd` (or
 * -1): the descriptor arrived with the last of them. */
void dill_rxbuf_filled(struct dill_rxbuf *rx, size_t n, int fd);

/* Drops everything buffered, closing a descriptor that was never taken.
 * What is known of the kernel's queue stays. */
void dill_rxbuf_clear(struct dill_rxbuf *rx);

/* A read of the in-thread pair's end found the kernel's queue empty. */
void dill_rxbuf_drained(struct dill_rxbuf *rx);

/* Forgets that the queue was empty: the other end of the pair wrote bytes
 * (or a descriptor) to it, or something else woke its receiver. */
void dill_rxbuf_queue_unknown(struct dill_rxbuf *rx);

/* The other end of the pair ended its stream or is gone. */
void dill_rxbuf_peer_ended(struct dill_rxbuf *rx);

/* True when a read would find nothing until the peer writes. */
static inline bool dill_rxbuf_queue_empty(const struct dill_rxbuf *rx) {
    return rx->queue == DILL_RXQ_EMPTY;
}

#endif
