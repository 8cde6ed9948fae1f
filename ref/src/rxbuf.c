/* The read-ahead buffer of a connection (see rxbuf.h). */
#include <string.h>
#include <unistd.h>

#include "rxbuf.h"

/* The bytes only: what is known of the queue outlives them. */
static void dill_rxbuf_reset(struct dill_rxbuf *rx) {
    rx->pos = rx->len = 0;
    rx->fd = -1;
}

void dill_rxbuf_init(struct dill_rxbuf *rx) {
    dill_rxbuf_reset(rx);
    rx->queue = DILL_RXQ_UNKNOWN;
}

/* Drops what is buffered.  A descriptor that came with it and that
 * ipc_recvfd never took is closed, as the kernel would have closed it; a
 * receive that takes the last buffered byte ends the same way. */
/* spine: ipc_sendfd/freed-by-hclose-unreceived */
void dill_rxbuf_clear(struct dill_rxbuf *rx) {
    if(rx->fd >= 0)
        close(rx->fd);
    dill_rxbuf_reset(rx);
}

void dill_rxbuf_take(struct dill_rxbuf *rx, struct dill_iocursor *cur) {
    while(!dill_rxbuf_empty(rx) && !dill_iocursor_done(cur)) {
        struct iovec iov;
        /* A NULL base (bytes to skip) gets the bytes themselves as its
         * scratch: copying them onto themselves is harmless. */
        size_t left = rx->len - rx->pos;
        dill_iocursor_fill(cur, &iov, 1, rx->data + rx->pos, left);
        size_t n = iov.iov_len < left ? iov.iov_len : left;
        if(iov.iov_base != rx->data + rx->pos)
            memcpy(iov.iov_base, rx->data + rx->pos, n);
        rx->pos += n;
        dill_iocursor_advance(cur, n);
    }
    if(dill_rxbuf_empty(rx))
        dill_rxbuf_clear(rx);
}

/* spine: ipc_sendfd/ordered-byte-by-byte */
int dill_rxbuf_take_fd(struct dill_rxbuf *rx) {
    if(++rx->pos < rx->len)
        return -1;
    int fd = rx->fd;
    dill_rxbuf_reset(rx);
    return fd;
}

/* spine: ipc_sendfd/two-in-a-row */
void dill_rxbuf_filled(struct dill_rxbuf *rx, size_t n, int fd) {
    rx->pos = 0;
    rx->len = n;
    rx->fd = fd;
}

/* A short read after the peer's end of stream proves nothing (rxbuf.h). */
/* spine: brecv/EPIPE/done-before-drain */
/* spine: brecvl/EPIPE/done-before-drain */
void dill_rxbuf_drained(struct dill_rxbuf *rx) {
    if(rx->queue != DILL_RXQ_ENDED)
        rx->queue = DILL_RXQ_EMPTY;
}

void dill_rxbuf_queue_unknown(struct dill_rxbuf *rx) {
    if(rx->queue == DILL_RXQ_EMPTY)
        rx->queue = DILL_RXQ_UNKNOWN;
}

void dill_rxbuf_peer_ended(struct dill_rxbuf *rx) {
    rx->queue = DILL_RXQ_ENDED;
}
