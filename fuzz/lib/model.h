/*
 * model.h - the executor's model of what a call program made (private to
 * the executor's files: executor.c, model.c, judge.c and the call families
 * calls_make.c, calls_stream.c, calls_coroutine.c).
 *
 * Every object the program made sits in a slot; connection endpoints are
 * `struct ep`s, peers of each other; a coroutine's view is a `struct cell`.
 * `struct expect` is the man pages' promise for one call, which judge()
 * holds the outcome against.
 */
#ifndef DILLSPEC_MODEL_H
#define DILLSPEC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "executor.h"
#include "fuzz.h"
#include "program.h"

#define NONE (-1)
#define MAX_EPS (2 * FZ_MAX_OPS)
#define MAX_PENDING 4          /* connects queued per listener; backlog is 8 */
#define BACKLOG 8
/* A send is sure to complete without blocking while the peer's socket
 * buffer has room: a bound well inside Linux's default for AF_UNIX, in
 * bytes and in messages (each message costs a buffer's bookkeeping). */
#define SAFE_INFLIGHT 32768
#define SAFE_SENDS 32

enum kind { EMPTY, LISTENER, CONN, COROUTINE, BUNDLE };

/* What is at an address's path: nothing, a socket file this program bound,
 * or what the kernel says (a failed bind may leave a file, and a target may
 * remove one when it closes the listener). */
enum addr_state { ADDR_FREE, ADDR_BOUND, ADDR_ASK };

/* One end of a connection. */
struct ep {
    int peer;            /* the other end, NONE while a connect awaits accept */
    bool open;
    bool reset;          /* lost its listener before it was accepted */
    bool out_done;       /* ipc_done succeeded */
    bool out_dead;       /* a send failed: sending is over (bsend(3)) */
    bool in_dead;        /* a receive failed: receiving is over (brecv(3)) */
    bool in_unsure;      /* after EPROTO: the page says nothing of what follows */
    bool fd_failed;      /* the failure that ended a direction was ipc_*fd's */
    bool sent_unknown;   /* a failed send may have sent part of its bytes */
    int busy_cell;       /* coroutine receiving on it, NONE if none */
    uint32_t sent, rcvd;
    int sends;
    uint32_t fdpos[8];   /* stream positions of the bytes that carry an fd */
    int nfds;
};

/* What a coroutine started by OP_GO_RECV saw. */
struct cell {
    int ep, h;
    bool done, byte_ok;
    int rc, err;                  /* its brecv(-1) */
    int after_rc, after_err;      /* a later msleep, once canceled */
    int pair_rc, pair_err;        /* a later ipc_pair, once canceled */
};

struct slot {
    enum kind kind;
    int h, last_h;
    int ep;                      /* CONN */
    int addr;                    /* LISTENER */
    int pending[MAX_PENDING], npending;
    int cell;                    /* COROUTINE */
    void *mem;                   /* storage of a _mem object */
};

struct run {
    enum fz_mode mode;
    struct fz_trace *trace;
    int op, code;
    bool after_fd;       /* the call at hand is on a connection marked fd_failed */
    void *mems[FZ_MAX_OPS * 2];   /* _mem storage, freed once all is closed */
    int nmems;
    struct slot slots[FZ_NSLOTS];
    struct ep eps[MAX_EPS];
    int neps;
    struct cell cells[FZ_MAX_OPS];
    int ncells;
    int last_closed;
    enum addr_state addrs[FZ_NADDRS];
    /* A call did what the model ruled out (a known deviation, or any
     * mismatch in a trace): the model no longer knows the target's state,
     * so no call may wait without a deadline and nothing more is judged. */
    bool lost;
};

/* The man pages' promise for one call: may it succeed, may it fail, and if
 * so with which errnos (none listed: any its ERRORS table has).  The
 * situation names the case in finding keys. */
struct expect {
    const char *situation;
    bool may_succeed, may_fail;
    int errs[3];
};

#define MUST_SUCCEED(sit) ((struct expect){sit, true, false, {0}})
#define MUST_FAIL(sit, ...) ((struct expect){sit, false, true, {__VA_ARGS__}})
#define EITHER(sit, ...) ((struct expect){sit, true, true, {__VA_ARGS__}})

/* The byte at position `pos` of the stream endpoint `ep` sends. */
static inline uint8_t pattern(int ep, uint32_t pos) {
    return (uint8_t)(pos * 7u + (uint32_t)ep * 13u + (pos >> 8));
}

/* Loops over every byte of a buffer are left out of the fuzzer's coverage
 * instrumentation: it would trace a comparison for each byte (the loop's
 * bound), which costs more than the byte and tells the fuzzer nothing. */
#if defined(__clang__) && __clang_major__ >= 13
#define FZ_EVERY_BYTE __attribute__((no_sanitize("coverage")))
#else
#define FZ_EVERY_BYTE
#endif

/* `n` bytes of the stream `ep` sends, from position `pos`, into `buf`. */
void fill_pattern(uint8_t *buf, size_t n, int ep, uint32_t pos);

/* How many of the `n` bytes at `buf` are the stream `ep` sends from `pos`
 * on before the first that is not (`n` if all are). */
size_t pattern_matches(const uint8_t *buf, size_t n, int ep, uint32_t pos);

/* FNV-1a over `n` bytes, continuing from `sum`. */
uint32_t fnv1a(uint32_t sum, const uint8_t *buf, size_t n);

static inline bool peer_alive(const struct run *r, const struct ep *e) {
    return e->peer == NONE ? !e->reset : r->eps[e->peer].open;
}

static inline uint32_t available(const struct run *r, const struct ep *e) {
    if(e->peer == NONE || r->eps[e->peer].sent < e->rcvd)
        return 0;   /* the second case only once the model is lost */
    return r->eps[e->peer].sent - e->rcvd;
}

static inline uint32_t inflight(const struct run *r, const struct ep *e) {
    return e->peer == NONE ? e->sent : e->sent - r->eps[e->peer].rcvd;
}

/* judge.c: checking and recording outcomes */
void finding(enum fz_fn fn, const char *situation, const char *observed,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Judges one call's outcome (`rc`, `err`) against `x`; true if it succeeded. */
bool judge(struct run *r, enum fz_fn fn, const struct expect *x,
    int rc, int err, bool returns_handle);
/* A call left out because of a known target defect is still a step of the
 * trace, so that the traces of two targets stay aligned. */
void skip_step(struct run *r);

/* model.c: slots, handles, endpoints, addresses, deadlines, closing */
int free_slot(struct run *r, uint8_t from);
bool resolve(struct run *r, uint8_t v, int *h, int *slot);
void poison(int h);
int new_ep(struct run *r);
void set_slot(struct run *r, int s, enum kind kind, int h, void *mem);
bool fd_ahead(const struct run *r, const struct ep *e, uint32_t from, size_t len);
const char *addr_path(int a);
int listener_on(struct run *r, int a);
bool path_exists(const struct run *r, int a);
/* The model after a bind at `a`, the target's or the harness's own. */
void bound(struct run *r, int a, bool ok);
int64_t deadline(const struct run *r, enum fz_deadline dl, bool safe);
void forget(struct run *r, int s);
void release_receiver(struct run *r, int s);
void close_slot(struct run *r, int s);

/* calls_make.c: the constructors */
void op_listen(struct run *r, const struct fz_op *op);
void op_listener_fromfd(struct run *r, const struct fz_op *op);
void op_connect(struct run *r, const struct fz_op *op);
void op_accept(struct run *r, const struct fz_op *op);
void make_pair(struct run *r, const struct fz_op *op, bool fromfd);
void op_bundle(struct run *r, const struct fz_op *op);

/* calls_stream.c: bytestreams, fd passing and closing calls */
void op_send(struct run *r, const struct fz_op *op, bool list);
void op_recv(struct run *r, const struct fz_op *op, bool list);
void op_sendfd(struct run *r, const struct fz_op *op);
void op_recvfd(struct run *r, const struct fz_op *op);
void op_done(struct run *r, const struct fz_op *op);
void op_ipc_close(struct run *r, const struct fz_op *op);
void op_hclose(struct run *r, const struct fz_op *op);

/* calls_coroutine.c: coroutines */
void close_coroutine(struct run *r, int s);
void op_go_recv(struct run *r, const struct fz_op *op);
void op_yield(struct run *r, const struct fz_op *op);

#endif
