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

/* Checks, each a whole test body. */
void ds_check_ebadf(ds_xfer op, int handle);
void ds_check_enotsup(ds_xfer op, int kind);   /* 0 listener, 1 bundle, 2 coroutine */
void ds_check_ecanceled_after(ds_xfer op);
void ds_check_ecanceled_blocked(ds_xfer op, bool sending);
void ds_check_ebusy(ds_xfer op, bool sending);
void ds_check_deadline_0(ds_xfer op, bool sending);
void ds_check_deadline_timed(ds_xfer op, bool sending);
void ds_check_deadline_past(ds_xfer op, bool sending);
void ds_check_deadline_infinite(ds_xfer op, bool sending);
void ds_check_unusable_after_timeout(ds_xfer op, bool sending);
void ds_check_roundtrip(ds_xfer send, ds_xfer recv, enum ds_conn_kind kind);
void ds_check_recv_epipe(ds_xfer op);
void ds_check_recv_no_partial(ds_xfer op);
void ds_check_send_peer_closed(ds_xfer op);
void ds_check_recv_discard(ds_xfer op);
void ds_check_recv_discard_waits(ds_xfer op);
void ds_check_recv_discard_epipe(ds_xfer op);
void ds_check_recv_epipe_after_short_read(ds_xfer op);

/* I/O lists (bsendl, brecvl). */
typedef int (*ds_xferl)(int s, struct iolist *first, struct iolist *last,
    int64_t deadline);
enum ds_bad_list { DS_LAST_HAS_NEXT, DS_NOT_SAME_LIST, DS_LOOP, DS_RSVD,
    DS_NULL_FIRST, DS_NULL_LAST };
void ds_check_iolist_einval(ds_xferl op, enum ds_bad_list how);
void ds_check_iolist_restored(ds_xferl op, bool sending);
void ds_check_iolist_skip(void);
void ds_check_big_transfer(ds_xferl send, ds_xferl recv);
#endif
