/* Shared bodies for the four bytestream pages (bsend, brecv, bsendl,
 * brecvl): each page's tests run the same checks through its own call. */
#ifndef DS_BYTESTREAM_H
#define DS_BYTESTREAM_H

#include "support.h"

/* One transfer of `len` bytes at `buf` (NULL: skip/discard) through the
 * page's function: bsend/brecv directly, bsendl/brecvl as a 3-item list. */
typedef int (*ds_xfer)(int s, void *buf, size_t len, int64_t deadline);
int ds_bsend(int s, void *buf, size_t len, int64_t deadline);
int ds_brecv(int s, void *buf, size_t len, int64_t deadline);
int ds_bsendl(int s, void *buf, size_t len, int64_t deadline);
int ds_brecvl(int s, void *buf, size_t len, int64_t deadline);
/* The same calls with nothing to move, whatever `len` says: bsend/brecv of
 * 0 bytes, bsendl/brecvl of a list of three empty items. */
int ds_bsend0(int s, void *buf, size_t len, int64_t deadline);
int ds_brecv0(int s, void *buf, size_t len, int64_t deadline);
int ds_bsendl0(int s, void *buf, size_t len, int64_t deadline);
int ds_brecvl0(int s, void *buf, size_t len, int64_t deadline);

/* Where the bytes of a DS_BIG send go (a real buffer, not NULL: NULL-buffer
 * receives are a check of their own). */
extern char ds_sink[DS_BIG];

/* A call that must block: receive with no data, or send more than any
 * socket buffer holds (DS_BIG) to a peer that does not read. */
int ds_blocking_call(ds_xfer op, bool sending, int s, int64_t deadline);

/* A coroutine: after 100 ms the peer `s` reads all of a DS_BIG send
 * (drain) or sends the one byte a receive waits for. */
coroutine void ds_peer_acts_later(int s, bool drain);

/* Checks, each a whole test body. */
void ds_check_ebadf(ds_xfer op, int handle);
void ds_check_enotsup(ds_xfer op, int kind);   /* 0 listener, 1 bundle, 2 coroutine */
void ds_check_ecanceled_after(ds_xfer op);
void ds_check_ecanceled_blocked(ds_xfer op, bool sending);
void ds_check_ebusy(ds_xfer op, bool sending);
/* `second` is rejected with EBUSY while `op` blocks in another coroutine;
 * the rejection changes nothing: a retry is EBUSY too, the blocked call then
 * completes, and the connection carries bytes both ways. */
void ds_check_ebusy_with(ds_xfer op, ds_xfer second, bool sending);
void ds_check_deadline_0(ds_xfer op, bool sending);
void ds_check_deadline_timed(ds_xfer op, bool sending);
void ds_check_deadline_past(ds_xfer op, bool sending);
void ds_check_deadline_infinite(ds_xfer op, bool sending);
void ds_check_unusable_after_timeout(ds_xfer op, bool sending);
/* After `op` timed out, `next` fails with ECONNRESET although the peer made
 * room (or sent the bytes) so that it would otherwise succeed. */
void ds_check_after_timeout(ds_xfer op, ds_xfer next, bool sending);
void ds_check_roundtrip(ds_xfer send, ds_xfer recv, enum ds_conn_kind kind);
void ds_check_recv_epipe(ds_xfer op);
void ds_check_recv_no_partial(ds_xfer op);
void ds_check_send_peer_closed(ds_xfer op);
void ds_check_recv_discard(ds_xfer op);
void ds_check_recv_discard_waits(ds_xfer op);
void ds_check_recv_discard_epipe(ds_xfer op);
void ds_check_recv_epipe_after_short_read(ds_xfer op);
void ds_check_recv_epipe_after_drain_peer_closed(ds_xfer op);
void ds_check_recv_epipe_done_before_drain(ds_xfer op);
void ds_check_recv_fd_byte_after_drain(ds_xfer op);
void ds_check_send_epipe_after_done(ds_xfer op);
void ds_check_recv_epipe_stays(ds_xfer op);
void ds_check_recv_peer_reset(ds_xfer op);
void ds_check_bsend_null_buffer(bool after_done);
/* Boundaries: a NULL-buffer receive of `len` bytes (beyond any internal
 * buffer); one transfer spanning many kernel buffers. */
void ds_check_recv_discard_big(ds_xfer op, size_t len);
void ds_check_spans_kernel_buffers(ds_xfer send, ds_xfer recv);

/* Every endpoint a constructor makes, in every deadline mode: s[0] is made
 * by the constructor under test (heap or _mem), s[1] is its peer. */
enum ds_endpoint { DS_PAIR_END0, DS_PAIR_END1, DS_ACCEPTED, DS_CONNECTED,
    DS_FROMFD_END };
void ds_check_endpoint_deadlines(enum ds_endpoint e, bool mem, bool sending);

/* I/O lists (bsendl, brecvl). */
typedef int (*ds_xferl)(int s, struct iolist *first, struct iolist *last,
    int64_t deadline);
enum ds_bad_list { DS_LAST_HAS_NEXT, DS_NOT_SAME_LIST, DS_LOOP, DS_RSVD,
    DS_NULL_FIRST, DS_NULL_LAST, DS_RSVD_FIRST, DS_RSVD_LAST, DS_LOOP_SELF,
    DS_NULL_BASE };
/* EINVAL, the list unchanged field by field, and the connection still
 * carries bytes both ways. */
void ds_check_iolist_einval(ds_xferl op, enum ds_bad_list how);
/* Argument errors come before state errors: a malformed list is EINVAL even
 * on a direction already closed or failed. */
enum ds_dir_state { DS_AFTER_DONE, DS_AFTER_FAILED_SEND, DS_AFTER_FAILED_RECV,
    DS_AFTER_PEER_DONE };
void ds_check_einval_first(ds_xferl op, enum ds_dir_state state);
void ds_check_iolist_restored(ds_xferl op, bool sending);
void ds_check_iolist_skip(void);
void ds_check_big_transfer(ds_xferl send, ds_xferl recv);
/* A list of more items than one system call takes: its first and last byte
 * (and every one between) arrive where they belong. */
void ds_check_large_list(ds_xferl send, ds_xferl recv);
#endif
