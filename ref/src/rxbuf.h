/* The read-ahead of a connection: bytes the kernel gave beyond what a
 * receive asked for, kept for the next receive, so that a stream of small
 * messages costs one system call per buffer rather than one per message. */
#ifndef DILL_RXBUF_H
#define DILL_RXBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "iolist.h"

#define DILL_RXBUF_SIZE 2048

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
    char data[DILL_RXBUF_SIZE];
};

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

/* Drops everything buffered, closing a descriptor that was never taken. */
void dill_rxbuf_clear(struct dill_rxbuf *rx);

#endif
