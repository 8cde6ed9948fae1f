/*
 * model.h - the executor's model of what a call program made (private to
 * the executor's files: executor.c, model.c, judge.c, data.c and the call
 * families calls_make.c, calls_stream.c, calls_fd.c, calls_transfer.c,
 * calls_coroutine.c, calls_close.c).
 *
 * Downhill only: model.c keeps the books, judge.c judges and data.c makes
 * and checks the bytes; the call families use them, and none of those
 * three calls a family.
 *
 * Every object the program made sits in a slot; connection endpoints are
 * `struct fz_ep`s, peers of each other; a coroutine's view is a `struct fz_cell`.
 * `struct fz_expect` is the man pages' promise for one call, which fz_judge()
 * holds the outcome against.
 */
#ifndef DILLSPEC_MODEL_H
#define DILLSPEC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libdill.h>

#include "executor.h"
#include "fuzz.h"
#include "program.h"

#define FZ_NONE (-1)
#define FZ_MAX_EPS (2 * FZ_MAX_OPS)
#define FZ_MAX_PENDING 4          /* connects queued per listener; backlog is 8 */
#define FZ_BACKLOG 8
/* A send is sure to complete without blocking while the peer's socket
 * buffer has room: a bound well inside Linux's default for AF_UNIX, in
 * bytes and in messages (each message costs a buffer's bookkeeping). */
#define FZ_SAFE_INFLIGHT 32768
#define FZ_SAFE_SENDS 32

enum fz_kind { FZ_EMPTY, FZ_LISTENER, FZ_CONN, FZ_COROUTINE, FZ_BUNDLE };

/* What is at an address's path: nothing, a socket file this program bound,
 * or what the kernel says (a failed bind may leave a file, and a target may
 * remove one when it closes the listener). */
enum fz_addr_state { FZ_ADDR_FREE, FZ_ADDR_BOUND, FZ_ADDR_ASK };

/* An fd this end sent: where in the stream, and which object it is (the
 * receiver's fd must be the same: spec/ipc_sendfd.md, "pass an open file
 * descriptor to the peer"). */
#define FZ_MAX_FDS 8
struct fz_sent_fd {
    uint32_t pos;        /* the stream position of the byte that carries it */
    dev_t dev;
    ino_t ino;
};

/* One end of a connection. */
struct fz_ep {
    int peer;            /* the other end, FZ_NONE while a connect awaits accept */
    bool open;
    bool reset;          /* lost its listener before it was accepted */
    bool out_done;       /* ipc_done succeeded */
    bool out_dead;       /* a send failed: sending is over (bsend(3)) */
    bool in_dead;        /* a receive failed: receiving is over (brecv(3)) */
    bool in_unsure;      /* after EPROTO: the page says nothing of what follows */
    bool fd_failed;      /* the failure that ended a direction was ipc_*fd's */
    bool sent_unknown;   /* a failed send may have sent part of its bytes */
    int busy_cell;       /* coroutine receiving on it, FZ_NONE if none */
    uint32_t sent, rcvd;
    int sends;
    struct fz_sent_fd fds[FZ_MAX_FDS];   /* what this end sent with ipc_sendfd */
    int nfds;
};

/* What a coroutine started by FZ_OP_GO_RECV saw. */
struct fz_cell {
    int ep, h;
    bool done, byte_ok;
    int rc, err;                  /* its brecv(-1) */
    int after_rc, after_err;      /* a later msleep, once canceled */
    int pair_rc, pair_err;        /* a later ipc_pair, once canceled */
};

struct fz_slot {
    enum fz_kind kind;
    int h, last_h;
    int ep;                      /* FZ_CONN */
    int addr;                    /* FZ_LISTENER */
    int pending[FZ_MAX_PENDING], npending;
    int cell;                    /* FZ_COROUTINE */
    void *mem;                   /* storage of a _mem object */
};

struct fz_run {
    enum fz_mode mode;
    struct fz_trace *trace;
    int op, code;
    bool after_fd;       /* the call at hand is on a connection marked fd_failed */
    void *mems[FZ_MAX_OPS * 2];   /* _mem storage, freed once all is closed */
    int nmems;
    struct fz_slot slots[FZ_NSLOTS];
    struct fz_ep eps[FZ_MAX_EPS];
    int neps;
    struct fz_cell cells[FZ_MAX_OPS];
    int ncells;
    int last_closed;
    enum fz_addr_state addrs[FZ_NADDRS];
    size_t transferred;  /* bytes moved by transfers, up to FZ_TRANSFER_BUDGET */
    int transfers;
    struct fz_step *step;   /* what the call judged last recorded, or NULL */
    /* A call did what the model ruled out (a known deviation, or any
     * mismatch in a trace): the model no longer knows the target's state,
     * so no call may wait without a deadline and nothing more is judged. */
    bool lost;
};

/* The man pages' promise for one call: may it succeed, may it fail, and if
 * so with which errnos (none listed: any its ERRORS table has).  The
 * situation names the case in finding keys. */
struct fz_expect {
    const char *situation;
    bool may_succeed, may_fail;
    int errs[3];
};

#define FZ_MUST_SUCCEED(sit) ((struct fz_expect){sit, true, false, {0}})
#define FZ_MUST_FAIL(sit, ...) ((struct fz_expect){sit, false, true, {__VA_ARGS__}})
#define FZ_EITHER(sit, ...) ((struct fz_expect){sit, true, true, {__VA_ARGS__}})

/* The byte at position `pos` of the stream endpoint `ep` sends (fuzz.h). */
static inline uint8_t fz_pattern(int ep, uint32_t pos) {
    return *fz_stream(ep, pos);
}

/* data.c: the bytes of the streams and the checks on them */

/* `n` bytes of the stream `ep` sends, from position `pos`, into `buf`. */
void fz_fill_pattern(uint8_t *buf, size_t n, int ep, uint32_t pos);

/* FNV-1a over `n` bytes, continuing from `sum`. */
uint32_t fz_fnv1a(uint32_t sum, const uint8_t *buf, size_t n);

/* The buffer of one send or receive: its items (program.h's list shapes)
 * in `mem`, the iolist the call gets, and a copy of that list to hold it
 * against after the call. */
struct fz_buf {
    uint8_t *mem;
    size_t len, span;
    int n;
    struct fz_item items[FZ_LIST_MAX];
    struct iolist iol[FZ_LIST_MAX], copy[FZ_LIST_MAX];
};

/* `len` bytes in the list fz_list_shape(len, shape, receiving) gives. */
void fz_buf_list(struct fz_buf *b, uint8_t *mem, size_t len, unsigned shape,
    bool receiving);
/* `len` bytes in one item (a plain bsend or brecv), NULL when `null`. */
void fz_buf_plain(struct fz_buf *b, uint8_t *mem, size_t len, bool null);
/* Sending: the stream's bytes from `pos` on into the items. */
void fz_buf_fill(struct fz_buf *b, int ep, uint32_t pos);
/* Receiving: every item byte made unlike the byte due there, every gap
 * byte a known value, so that a byte not written or written astray shows. */
void fz_buf_prime(struct fz_buf *b, int ep, uint32_t pos);
/* Whether a receive into it skips bytes (a NULL base with a length). */
bool fz_buf_skips(const struct fz_buf *b);
/* Whether the call changed the caller's list (iol_base, iol_len, iol_next
 * or iol_rsvd of any item). */
bool fz_buf_list_changed(const struct fz_buf *b);
/* The caller's list after a call, whatever it returned (`rc`, `err`): the
 * same as before (finding <fn>/list/modified-after-<errno|success> in
 * FZ_ORACLE mode). */
void fz_check_list(struct fz_run *r, enum dc_fn fn, const struct fz_buf *b,
    int rc, int err);
/* The same for a trace, in the step the call recorded. */
void fz_note_list(struct fz_run *r, const struct fz_buf *b);
/* After a receive that succeeded: every byte must be the stream `ep`'s
 * from `pos` on, NULL items skipping theirs (finding <fn>/data/corrupt),
 * and no byte outside the items written (<fn>/data/overrun).  Findings in
 * FZ_ORACLE mode; returns 0, or what went wrong for a trace. */
uint32_t fz_buf_check(struct fz_run *r, enum dc_fn fn, const struct fz_buf *b,
    int ep, uint32_t pos);
/* After a receive that failed: no byte outside the items written (writing
 * there is never allowed; what the items hold after a failure the pages
 * leave open). */
uint32_t fz_buf_check_overrun(struct fz_run *r, enum dc_fn fn, const struct fz_buf *b);

static inline bool fz_peer_alive(const struct fz_run *r, const struct fz_ep *e) {
    return e->peer == FZ_NONE ? !e->reset : r->eps[e->peer].open;
}

static inline uint32_t fz_available(const struct fz_run *r, const struct fz_ep *e) {
    if(e->peer == FZ_NONE || r->eps[e->peer].sent < e->rcvd)
        return 0;   /* the second case only once the model is lost */
    return r->eps[e->peer].sent - e->rcvd;
}

static inline uint32_t fz_inflight(const struct fz_run *r, const struct fz_ep *e) {
    return e->peer == FZ_NONE ? e->sent : e->sent - r->eps[e->peer].rcvd;
}

/* judge.c: checking and recording outcomes */
void fz_call_finding(enum dc_fn fn, const char *situation, const char *observed,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Judges one call's outcome (`rc`, `err`) against `x`; true if it succeeded. */
bool fz_judge(struct fz_run *r, enum dc_fn fn, const struct fz_expect *x,
    int rc, int err, bool returns_handle);
/* A call left out because of a known target defect is still a step of the
 * trace, so that the traces of two targets stay aligned. */
void fz_skip_step(struct fz_run *r);

/* model.c: bookkeeping only (it calls no libdill function but now()):
 * slots, handles, endpoints, addresses, deadlines, a closed object */
int fz_free_slot(struct fz_run *r, uint8_t from);
bool fz_resolve(struct fz_run *r, uint8_t v, int *h, int *slot);
void fz_poison(int h);
int fz_new_ep(struct fz_run *r);
void fz_set_slot(struct fz_run *r, int s, enum fz_kind kind, int h, void *mem);
const struct fz_sent_fd *fz_fd_ahead(const struct fz_run *r, const struct fz_ep *e,
    uint32_t from, size_t len);
const char *fz_addr_path(int a);
int fz_listener_on(struct fz_run *r, int a);
bool fz_path_exists(const struct fz_run *r, int a);
/* The model after a bind at `a`, the target's or the harness's own. */
void fz_bound(struct fz_run *r, int a, bool ok);
int64_t fz_deadline(const struct fz_run *r, enum fz_deadline dl, bool safe);
/* The model after an object is gone, whatever closed it. */
void fz_forget(struct fz_run *r, int s);

/* calls_make.c: the constructors */
void fz_op_listen(struct fz_run *r, const struct fz_op *op);
void fz_op_listener_fromfd(struct fz_run *r, const struct fz_op *op);
void fz_op_connect(struct fz_run *r, const struct fz_op *op);
void fz_op_accept(struct fz_run *r, const struct fz_op *op);
void fz_make_pair(struct fz_run *r, const struct fz_op *op, bool fromfd);
void fz_op_bundle(struct fz_run *r, const struct fz_op *op);

/* calls_stream.c: bytestreams and ipc_done */
#define FZ_LIST_ROOM 4096   /* a send or receive op's buffer (program.h) */
void fz_op_send(struct fz_run *r, const struct fz_op *op, bool list);
void fz_op_recv(struct fz_run *r, const struct fz_op *op, bool list);
void fz_op_done(struct fz_run *r, const struct fz_op *op);
/* The connection operand `v` names (the call's handle in *h), or NULL with
 * the expectation for a call on a handle that is none in *x; *skip when
 * the operand names nothing to try. */
struct fz_ep *fz_conn_operand(struct fz_run *r, uint8_t v, int *h,
    struct fz_expect *x, bool *skip);
/* What a send or receive of `len` bytes on `e` may do; *safe when it is
 * sure to complete without waiting (so it may wait without a deadline). */
struct fz_expect fz_send_expect(struct fz_run *r, const struct fz_ep *e,
    size_t len, bool *safe);
struct fz_expect fz_recv_expect(struct fz_run *r, const struct fz_ep *e,
    size_t len, bool *safe);
/* The model after a send of `len` bytes (an fd's byte when `fd_call`) or
 * a receive that succeeded or failed. */
void fz_account_send(struct fz_ep *e, bool ok, uint32_t len, bool fd_call);
void fz_account_recv(struct fz_ep *e, bool ok, uint32_t len);

/* calls_fd.c: fd passing */
void fz_op_sendfd(struct fz_run *r, const struct fz_op *op);
void fz_op_recvfd(struct fz_run *r, const struct fz_op *op);

/* calls_transfer.c: transfers across kernel buffers */
void fz_op_transfer(struct fz_run *r, const struct fz_op *op);

/* calls_coroutine.c: coroutines */
void fz_op_go_recv(struct fz_run *r, const struct fz_op *op);
void fz_op_yield(struct fz_run *r, const struct fz_op *op);

/* calls_close.c: closing, judged */
void fz_op_ipc_close(struct fz_run *r, const struct fz_op *op);
void fz_op_hclose(struct fz_run *r, const struct fz_op *op);
/* Closes what slot `s` holds (a coroutine blocked on it first). */
void fz_close_slot(struct fz_run *r, int s);

#endif
