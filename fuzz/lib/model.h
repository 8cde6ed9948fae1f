/*
 * model.h - the executor's model of what a call program made (private to
 * the executor's files: executor.c; the call families calls_make.c,
 * calls_stream.c, calls_fd.c, calls_transfer.c, calls_coroutine.c,
 * calls_rawfd.c, calls_close.c; cells.c, judge.c, data.c, timing.c and
 * model.c).
 *
 * Downhill only, each file using only files below it: executor.c runs the
 * call families; they use cells.c, which judges what coroutines saw,
 * judge.c, which judges each call, and data.c, which makes and checks the
 * bytes; below those timing.c, the judge's clock; and below them all
 * model.c, which keeps the books.  Under model.c lies only what every
 * harness shares: findings (finding.c), the clock (vtime.c), the record
 * for reproducers (record.c).  Among the families, calls_rawfd.c uses
 * calls_coroutine.c and calls_close.c, and calls_fd.c and calls_transfer.c
 * use calls_stream.c.
 *
 * Every object the program made sits in a slot; connection endpoints are
 * `struct fz_ep`s, peers of each other; a coroutine's view is a `struct fz_cell`;
 * an fd the program owns (not a handle) is a `struct fz_raw`.
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

enum fz_kind { FZ_EMPTY, FZ_LISTENER, FZ_CONN, FZ_COROUTINE, FZ_BUNDLE, FZ_RAW };

#define FZ_MAX_RAWS (2 * FZ_MAX_OPS)
/* The main coroutine, where a cell's index is asked for. */
#define FZ_MAIN (-2)
/* Time the judge allows past a deadline before calling a call late: on
 * virtual time a timer fires when the clock reaches it (vtime.h). */
#define FZ_LATE_MS 0

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
    bool accepting;      /* a coroutine in ipc_accept may take it, and close it,
                            at any blocking call (FZ_OP_GO_ACCEPT) */
    int busy_cell;       /* coroutine receiving on it, FZ_NONE if none */
    uint32_t sent, rcvd;
    int sends;
    struct fz_sent_fd fds[FZ_MAX_FDS];   /* what this end sent with ipc_sendfd */
    int nfds;
};

/* One end of a socketpair the program owns (FZ_OP_RAWFD): an fd, not a
 * handle, for fdin(3), fdout(3) and fdclean(3). */
struct fz_raw {
    int fd, peer;
    bool open;
    uint32_t unread;     /* bytes sent to this end and not read */
    int writes;          /* sends from this end since the other end was drained */
    bool full;           /* a send from this end found no room */
};

/* What a coroutine's call is: FZ_OP_GO_RECV's brecv(-1), FZ_OP_GO_ACCEPT's
 * ipc_accept, and msleep, fdin, fdout, bundle_wait with FZ_FLAG_GO. */
enum fz_body { FZ_BODY_RECV, FZ_BODY_SLEEP, FZ_BODY_FDIN, FZ_BODY_FDOUT, FZ_BODY_WAIT,
    FZ_BODY_ACCEPT };

/* A coroutine, as the model sees it: the coroutine writes what its call
 * did (and when, on the virtual clock), the executor writes what happened
 * around it, and cells.c judges the two once the call has returned. */
struct fz_cell {
    enum fz_body body;
    enum dc_fn fn;            /* the function it calls */
    int owner;                /* the slot of its bundle */
    int ep, h;                /* RECV: its connection; the handle or fd it passes */
    int on;                   /* WAIT, ACCEPT: the slot waited on; FDIN, FDOUT:
                                 the raw end; FZ_NONE: a bad operand */
    int bad_err;              /* the errno a bad operand must give, or 0 */
    int64_t deadline;         /* what it passes (-1, 0, or a time) */
    int64_t armed_vt, end_vt; /* virtual ms when its call began and returned, -1 */
    int64_t event_vt;         /* when what it waits for came, -1 not yet */
    bool ready;               /* what it waits for was there when it called */
    bool busy;                /* another coroutine waited on the same fd and side */
    bool unsure;              /* what it waits for came and went, or may have */
    bool done, judged, gone, byte_ok;
    bool canceled;            /* its bundle was closed while the call was blocked */
    bool woken;               /* ... after its event or deadline had come */
    bool closed_under;        /* the object it waits on was closed under it */
    int open_left;            /* WAIT: coroutines of the bundle still running when it returned */
    int earlier;              /* a wait whose earlier deadline had not fired when
                                 this one's did (FZ_MAIN, a cell), FZ_NONE */
    int rc, err;
    int after_rc[4], after_err[4];   /* msleep, yield, fdin, ipc_pair once canceled */
};

struct fz_slot {
    enum fz_kind kind;
    int h, last_h;
    int ep;                      /* FZ_CONN */
    int addr;                    /* FZ_LISTENER */
    int pending[FZ_MAX_PENDING], npending;
    int raw;                     /* FZ_RAW */
    void *mem;                   /* storage of a _mem object */
};

struct fz_run {
    enum fz_mode mode;
    struct fz_trace *trace;
    int op, code;
    bool after_fd;       /* the call at hand is on a connection marked fd_failed */
    bool on_accepting;   /* ... on a connection marked accepting: any outcome */
    void *mems[FZ_MAX_OPS * 2];   /* _mem storage, freed once all is closed */
    int nmems;
    int nstacks;                  /* go_mem stacks in use (calls_coroutine.c) */
    struct fz_slot slots[FZ_NSLOTS];
    struct fz_ep eps[FZ_MAX_EPS];
    int neps;
    struct fz_cell cells[FZ_MAX_OPS];
    int ncells;
    struct fz_raw raws[FZ_MAX_RAWS];
    int nraws;
    /* The deadline of the main coroutine's call in progress (fz_deadline
     * to fz_judge), for the judge's time checks (timing.c). */
    struct { bool set; enum fz_deadline mode; int64_t value, vt; } call;
    int closing;          /* the slot whose hclose runs, for a hang's report */
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
/* Judges one call's outcome (`rc`, `err`) against `x`; true if it succeeded. */
bool fz_judge(struct fz_run *r, enum dc_fn fn, const struct fz_expect *x,
    int rc, int err, bool returns_handle);

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
/* The deadline to pass for mode `dl`: -1 only when `safe`, timed now() +
 * `delay_ms`; recorded for the judge's time checks (timing.c). */
int64_t fz_deadline_in(struct fz_run *r, enum fz_deadline dl, bool safe, int delay_ms);
/* Whether deadline -1 may be passed at all now: not once the model is lost
 * (a known deviation), nor where a target may wait for ever (model.c). */
bool fz_may_wait_forever(const struct fz_run *r);
/* The same with the timed deadline now() + 1 of the IPC operations. */
int64_t fz_deadline(struct fz_run *r, enum fz_deadline dl, bool safe);
/* Records the call at hand as the trace's next step (returned `rc` and
 * `err`; `open`: the pages allowed another outcome; `blocked`: it would
 * have slept in the kernel), in r->step; nothing without a trace. */
void fz_record_step(struct fz_run *r, int rc, int err, bool open, bool blocked);
/* A call left out because of a known target defect is still a step of the
 * trace, so that the traces of two targets stay aligned. */
void fz_skip_step(struct fz_run *r);
/* The cells of slot `s`'s bundle that have not been closed. */
#define FZ_EACH_CELL(r, s, c) \
    for(int c = 0; c < (r)->ncells; c++) \
        if((r)->cells[c].owner == (s) && !(r)->cells[c].gone)
/* Two raw ends for the fds of a socketpair; the first's index, or FZ_NONE. */
int fz_new_raw_pair(struct fz_run *r, const int fds[2]);
/* An operand as an fd for fdin/fdout: a raw end of the program's (`*raw`),
 * or a number that is surely no fd (`*raw` FZ_NONE).  False for anything
 * else: what fd a handle's number or a closed one is, nobody knows. */
bool fz_resolve_fd(struct fz_run *r, uint8_t v, int *fd, int *raw);
/* Whether raw end `raw` is readable: bytes wait there, or its peer is
 * closed (an error state, which fdin(3) returns for too). */
bool fz_raw_readable(const struct fz_run *r, int raw);
/* 1 surely writable, 0 surely not, -1 either */
int fz_raw_writable(const struct fz_run *r, int raw);
/* The model after an object is gone, whatever closed it. */
void fz_forget(struct fz_run *r, int s);

/* calls_make.c: the constructors, and hown */
void fz_op_listen(struct fz_run *r, const struct fz_op *op);
void fz_op_listener_fromfd(struct fz_run *r, const struct fz_op *op);
void fz_op_connect(struct fz_run *r, const struct fz_op *op);
void fz_op_accept(struct fz_run *r, const struct fz_op *op);
void fz_make_pair(struct fz_run *r, const struct fz_op *op, bool fromfd);
void fz_op_bundle(struct fz_run *r, const struct fz_op *op);
void fz_op_hown(struct fz_run *r, const struct fz_op *op);

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

/* calls_coroutine.c: coroutines, and the core's calls in the main one */
void fz_op_go_recv(struct fz_run *r, const struct fz_op *op);
void fz_op_go_accept(struct fz_run *r, const struct fz_op *op);
void fz_op_yield(struct fz_run *r, const struct fz_op *op);
void fz_op_msleep(struct fz_run *r, const struct fz_op *op);
void fz_op_bundle_wait(struct fz_run *r, const struct fz_op *op);
/* Makes the pipe a canceled coroutine's fdin waits on (at the warm-up). */
void fz_make_quiet_pipe(void);
/* A new cell for a coroutine's call, or FZ_NONE when there is no room. */
int fz_new_cell(struct fz_run *r, enum fz_body body, enum dc_fn fn);
/* Starts the coroutine of cell `c` for op's call: go into a free slot
 * from op->b, or bundle_go into slot op->b when it holds a bundle. */
void fz_go_cell(struct fz_run *r, const struct fz_op *op, int c);

/* calls_rawfd.c: fds the program owns, and fdin, fdout, fdclean on them */
void fz_op_rawfd(struct fz_run *r, const struct fz_op *op);
void fz_op_rawio(struct fz_run *r, const struct fz_op *op);
void fz_op_fdwait(struct fz_run *r, const struct fz_op *op, bool out);
void fz_op_fdclean(struct fz_run *r, const struct fz_op *op);

/* cells.c: what coroutines saw, judged once their calls returned */
/* Reconciles the model with what coroutines did since the last call (a
 * connection a coroutine accepted) and judges every call that returned. */
void fz_settle(struct fz_run *r);
/* The coroutine's side: when its call begins and when it returns. */
void fz_cell_arm(struct fz_run *r, int c);
void fz_cell_end(struct fz_run *r, int c, int rc, int err);
/* What happened to the waits on an object: what they wait for came (on a
 * raw end, a listener, a bundle's last coroutine), or the object was
 * closed under them. */
void fz_cells_event(struct fz_run *r, enum fz_body body, int on);
/* ... or it came and went before they ran (a drain, a fill): either outcome. */
void fz_cells_unsure(struct fz_run *r, enum fz_body body, int on);
void fz_cells_closed_under(struct fz_run *r, int s);
/* Before hclose of bundle slot `s`: marks its cells canceled. */
void fz_cells_cancel(struct fz_run *r, int s);
/* Whether cell `c`'s call ends without being canceled. */
bool fz_cell_bounded(const struct fz_run *r, int c);
/* Whether a coroutine (but cell `except`) waits in fdin (out: fdout) on
 * raw end `raw`: 1 one is blocked there, 0 none is, -1 one may be (its
 * deadline or event came: it may have been woken). */
int fz_raw_busy(const struct fz_run *r, int raw, int out, int except);

/* timing.c: the judge's clock */
/* Checks the main coroutine's call that just returned against its
 * deadline: never early, never late, none with deadline 0 or past that
 * let time pass, and no other wait's earlier deadline still unfired. */
void fz_check_call_time(struct fz_run *r, enum dc_fn fn, int rc, int err);
/* A wait with deadline `d` (cell `self`, or FZ_MAIN) fired: the cell whose
 * earlier deadline has not fired yet, FZ_MAIN for the main coroutine's
 * call, or FZ_NONE. */
int fz_unfired_before(const struct fz_run *r, int self, int64_t d);
/* Whether time is judged: only on the virtual clock (not with
 * DILLSPEC_FUZZ_REAL_TIME), and only while the model holds. */
bool fz_timing_judged(const struct fz_run *r);

/* calls_close.c: closing, judged */
void fz_op_ipc_close(struct fz_run *r, const struct fz_op *op);
void fz_op_hclose(struct fz_run *r, const struct fz_op *op);
/* Closes what slot `s` holds (a coroutine blocked on it first). */
void fz_close_slot(struct fz_run *r, int s);
/* Closes the coroutines whose calls wait on raw end `raw` (fdclean of an
 * fd another coroutine waits on is not in the pages). */
void fz_release_raw(struct fz_run *r, int raw);
/* Closes the raw fd in slot `s` as fdclean(3) asks: fdclean, then close. */
void fz_raw_close(struct fz_run *r, int s);

#endif
