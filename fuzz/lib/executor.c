/* Runs call programs against the target with a model of what the man pages
 * allow (see executor.h).  Each clause the model encodes is named beside it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <libdill.h>

#include "executor.h"
#include "fuzz.h"

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
static uint8_t pattern(int ep, uint32_t pos) {
    return (uint8_t)(pos * 7u + (uint32_t)ep * 13u + (pos >> 8));
}

/******************************************************************************/
/*  Checking and recording outcomes                                           */
/******************************************************************************/

static void finding(enum fz_fn fn, const char *situation, const char *observed,
        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void finding(enum fz_fn fn, const char *situation, const char *observed,
        const char *fmt, ...) {
    char key[128], detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    snprintf(key, sizeof(key), "%s/%s/%s", fz_fn_name(fn), situation, observed);
    fz_finding(key, "%s", detail);
}

static void record(struct run *r, int rc, int err, uint32_t sum) {
    const int room = (int)(sizeof(r->trace->steps) / sizeof(r->trace->steps[0]));
    if(!r->trace || r->trace->n == room)
        return;
    struct fz_step *s = &r->trace->steps[r->trace->n++];
    s->op = (int16_t)r->op;
    s->code = (int8_t)r->code;
    s->outcome = (int8_t)(rc == -1 ? -1 : rc == 0 ? 0 : 1);
    s->err = rc == -1 ? err : 0;
    s->sum = sum;
    s->after_fd = r->after_fd;
}

static bool allowed_errno(const struct expect *x, int err) {
    if(x->errs[0] == 0)
        return true;
    for(int i = 0; i < 3 && x->errs[i]; i++)
        if(x->errs[i] == err)
            return true;
    return false;
}

static bool contradicts(const struct expect *x, int rc, int err) {
    return rc == -1 ? !x->may_fail || !allowed_errno(x, err) : !x->may_succeed;
}

/* Judges one call's outcome (`rc`, `err`) against `x`; true if it succeeded. */
static bool judge(struct run *r, enum fz_fn fn, const struct expect *x,
        int rc, int err, bool returns_handle) {
    record(r, returns_handle && rc >= 0 ? 1 : rc, err, 0);
    bool was_lost = r->lost;
    if(contradicts(x, rc, err))
        r->lost = true;
    if(r->mode != FZ_ORACLE || was_lost)
        return rc != -1;
    if(rc < -1 || (!returns_handle && rc > 0))
        finding(fn, "shape", "bad-return", "op %d returned %d", r->op, rc);
    if(rc != -1) {
        if(!x->may_succeed)
            finding(fn, x->situation, "succeeded",
                "op %d succeeded; expected -1 with %s", r->op,
                fz_errname(x->errs[0]));
        return true;
    }
    fz_check_documented(fn, rc, err);
    if(!x->may_fail) {
        finding(fn, x->situation, fz_errname(err),
            "op %d failed with %s; expected success", r->op, fz_errname(err));
        return false;
    }
    if(allowed_errno(x, err))
        return false;
    finding(fn, x->situation, fz_errname(err), "op %d failed with %s; expected %s",
        r->op, fz_errname(err), fz_errname(x->errs[0]));
    return false;
}

/******************************************************************************/
/*  Slots, handles and the model                                              */
/******************************************************************************/

static int free_slot(struct run *r, uint8_t from) {
    for(int i = 0; i < FZ_NSLOTS; i++) {
        int s = (from + i) % FZ_NSLOTS;
        if(r->slots[s].kind == EMPTY)
            return s;
    }
    return NONE;
}

static int slot_of_handle(struct run *r, int h) {
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r->slots[s].kind != EMPTY && r->slots[s].h == h)
            return s;
    return NONE;
}

static int first_of_kind(struct run *r, enum kind a, enum kind b) {
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r->slots[s].kind == a || r->slots[s].kind == b)
            return s;
    return NONE;
}

/* Handle numbers a known target defect left pointing at freed memory
 * (the "ipc_close/dangling-handle/crash" key): never touched again, in this
 * input or a later one, since the target never frees the number. */
static int *poisoned;
static int npoisoned, poison_room;

/* The list only grows, as the target's table of dangling numbers does: a
 * long fuzzing run makes thousands. */
static void poison(int h) {
    if(npoisoned == poison_room) {
        poison_room = poison_room ? 2 * poison_room : 256;
        poisoned = realloc(poisoned, sizeof(int) * (size_t)poison_room);
        if(!poisoned)
            abort();
    }
    poisoned[npoisoned++] = h;
}

static bool is_poisoned(int h) {
    for(int i = 0; i < npoisoned; i++)
        if(poisoned[i] == h)
            return true;
    return false;
}

static bool resolve_number(struct run *r, uint8_t v, int *h, int *slot);

/* A call left out because of a known target defect is still a step of the
 * trace, so that the traces of two targets stay aligned. */
static void skip_step(struct run *r) {
    if(!r->trace)
        return;
    record(r, 0, 0, 0);
    if(r->trace->n > 0)
        r->trace->steps[r->trace->n - 1].outcome = FZ_SKIPPED;
}

/* An operand's handle number and the slot that holds it (NONE: no live
 * object of this program).  False when the operand names nothing to try;
 * a poisoned number is skipped, and in a trace the skip is a step of its
 * own, so that the traces of two targets stay aligned. */
static bool resolve(struct run *r, uint8_t v, int *h, int *slot) {
    if(!resolve_number(r, v, h, slot))
        return false;
    if(!is_poisoned(*h))
        return true;
    skip_step(r);
    return false;
}

static bool resolve_number(struct run *r, uint8_t v, int *h, int *slot) {
    int s;
    switch(v) {
    case SP_MINUS_ONE: *h = -1; break;
    case SP_ZERO: *h = 0; break;
    case SP_INT_MAX: *h = INT_MAX; break;
    case SP_LAST_CLOSED: *h = r->last_closed; break;
    case SP_NEVER_ISSUED: *h = 1 << 20; break;
    case SP_INT_MIN: *h = INT_MIN; break;
    case SP_COROUTINE_OR_BUNDLE:
    case SP_LISTENER:
        s = v == SP_LISTENER ? first_of_kind(r, LISTENER, LISTENER)
                             : first_of_kind(r, COROUTINE, BUNDLE);
        if(s == NONE)
            return false;
        *h = r->slots[s].h;
        break;
    default:
        s = v % FZ_NSLOTS;
        /* An empty slot stands for the handle it held last, now closed. */
        *h = r->slots[s].kind == EMPTY ? r->slots[s].last_h : r->slots[s].h;
        break;
    }
    /* Which object a closed number or 0 reaches is the target's own
     * business (libdill reuses numbers at once, ref does not), so a trace,
     * which two targets must agree on, uses an invalid number instead. */
    if(r->mode == FZ_TRACE && (v == SP_ZERO || v == SP_LAST_CLOSED ||
            (v < SP_MINUS_ONE && r->slots[v % FZ_NSLOTS].kind == EMPTY)))
        *h = -1;
    *slot = *h == -1 ? NONE : slot_of_handle(r, *h);
    return true;
}

static int new_ep(struct run *r) {
    if(r->neps == MAX_EPS)
        return NONE;
    int e = r->neps++;
    r->eps[e] = (struct ep){.peer = NONE, .open = true, .busy_cell = NONE};
    return e;
}

static void set_slot(struct run *r, int s, enum kind kind, int h, void *mem) {
    struct slot *sl = &r->slots[s];
    int last = sl->last_h;
    *sl = (struct slot){.kind = kind, .h = h, .last_h = last, .ep = NONE,
        .addr = NONE, .cell = NONE, .mem = mem};
}

static bool peer_alive(const struct run *r, const struct ep *e) {
    return e->peer == NONE ? !e->reset : r->eps[e->peer].open;
}

static uint32_t available(const struct run *r, const struct ep *e) {
    if(e->peer == NONE || r->eps[e->peer].sent < e->rcvd)
        return 0;   /* the second case only once the model is lost */
    return r->eps[e->peer].sent - e->rcvd;
}

static uint32_t inflight(const struct run *r, const struct ep *e) {
    return e->peer == NONE ? e->sent : e->sent - r->eps[e->peer].rcvd;
}

/* Whether bytes [from, from + len) of what `e` receives include one that
 * carries an fd: only ipc_recvfd may take such a byte (spec/ipc_sendfd.md:
 * "It must be matched to an ipc_sendfd at the same point of the byte
 * stream"), so the executor never lets a plain receive cross one. */
static bool fd_ahead(const struct run *r, const struct ep *e, uint32_t from,
        size_t len) {
    if(e->peer == NONE)
        return false;
    const struct ep *p = &r->eps[e->peer];
    for(int i = 0; i < p->nfds; i++)
        if(p->fdpos[i] >= from && (len == SIZE_MAX || p->fdpos[i] - from < len))
            return true;
    return false;
}

static const char *addr_path(int a) {
    char name[8];
    snprintf(name, sizeof(name), "a%d", a);
    return fz_path(name);
}

static int listener_on(struct run *r, int a) {
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r->slots[s].kind == LISTENER && r->slots[s].addr == a)
            return s;
    return NONE;
}

static bool path_exists(int a) {
    struct stat st;
    return lstat(addr_path(a), &st) == 0;
}

static int64_t deadline(const struct run *r, enum fz_deadline dl, bool safe) {
    switch(dl) {
    case DL_INFINITE:
        /* After a failed ipc_*fd call a target may still wait (below). */
        if(r->after_fd && fz_known("ipc_recvfd/deadline-infinite/hang"))
            return 0;
        return safe && !r->lost ? -1 : 0;
    case DL_TIMED: return r->mode == FZ_TRACE ? 0 : now() + 1;
    case DL_PAST: { int64_t d = now() - 10; return d > 0 ? d : 1; }
    default: return 0;
    }
}

/******************************************************************************/
/*  Closing                                                                   */
/******************************************************************************/

static void close_coroutine(struct run *r, int s);

/* The model after an object is gone, whatever closed it. */
static void forget(struct run *r, int s) {
    struct slot *sl = &r->slots[s];
    if(sl->kind == CONN)
        r->eps[sl->ep].open = false;
    if(sl->kind == LISTENER)
        for(int i = 0; i < sl->npending; i++)
            if(r->eps[sl->pending[i]].peer == NONE)
                r->eps[sl->pending[i]].reset = true;
    r->last_closed = sl->h;
    sl->last_h = sl->h;
    sl->kind = EMPTY;
}

/* A connection must not be closed under a coroutine blocked on it (what
 * happens then is not in the pages), so that coroutine goes first. */
static void release_receiver(struct run *r, int s) {
    if(r->slots[s].kind != CONN)
        return;
    int c = r->eps[r->slots[s].ep].busy_cell;
    for(int i = 0; c != NONE && i < FZ_NSLOTS; i++)
        if(r->slots[i].kind == COROUTINE && r->slots[i].cell == c)
            close_coroutine(r, i);
}

/* hclose(3): "closes a handle"; on a coroutine, go(3): "the coroutine is
 * canceled", and its blocking calls fail with ECANCELED from then on.  A
 * coroutine whose call could already complete (its byte, or the peer's end,
 * had arrived) may finish that call first: it was woken before it was
 * canceled, and libdill and ref both let it. */
static void close_coroutine(struct run *r, int s) {
    struct cell *c = &r->cells[r->slots[s].cell];
    const struct ep *e = &r->eps[c->ep];
    bool was_blocked = !c->done;
    bool could_finish = available(r, e) >= 1 || !peer_alive(r, e) ||
        (e->peer != NONE && r->eps[e->peer].out_done);
    int rc = hclose(r->slots[s].h);
    int err = errno;
    judge(r, FZ_HCLOSE, &MUST_SUCCEED("coroutine"), rc, err, false);
    forget(r, s);
    if(r->mode != FZ_ORACLE || r->lost)
        return;
    if(!c->done)
        finding(FZ_HCLOSE, "coroutine", "still-running",
            "hclose returned before the coroutine finished");
    bool canceled = c->rc == -1 && c->err == ECANCELED;
    if(was_blocked && !canceled && !could_finish)
        finding(FZ_BRECV, "canceled-while-blocked", fz_errname(c->rc ? c->err : 0),
            "blocked brecv returned %d/%s after hclose of its coroutine",
            c->rc, fz_errname(c->err));
    if(canceled) {
        if(c->after_rc != -1 || c->after_err != ECANCELED)
            finding(FZ_MSLEEP, "after-cancel", fz_errname(c->after_rc ? c->after_err : 0),
                "a later msleep in the canceled coroutine returned %d/%s",
                c->after_rc, fz_errname(c->after_err));
        if(c->pair_rc != -1 || c->pair_err != ECANCELED)
            finding(FZ_IPC_PAIR, "after-cancel", fz_errname(c->pair_rc ? c->pair_err : 0),
                "ipc_pair in the canceled coroutine returned %d/%s",
                c->pair_rc, fz_errname(c->pair_err));
    }
    if(c->rc == 0 && !c->byte_ok)
        finding(FZ_BRECV, "coroutine", "wrong-bytes",
            "the byte a coroutine received is not the byte sent");
}

static void close_slot(struct run *r, int s) {
    if(r->slots[s].kind == COROUTINE) {
        close_coroutine(r, s);
        return;
    }
    release_receiver(r, s);
    int rc = hclose(r->slots[s].h);
    judge(r, FZ_HCLOSE, &MUST_SUCCEED("live"), rc, errno, false);
    forget(r, s);
}

/******************************************************************************/
/*  Constructors                                                              */
/******************************************************************************/

/* Storage for a _mem variant when the operation asks for one.  It lives
 * until the program ends: ipc_pair_mem's holds both ends of a pair. */
static void *storage(struct run *r, const struct fz_op *op, size_t size) {
    if(!(op->flags & FZ_FLAG_MEM) || r->nmems == FZ_MAX_OPS * 2)
        return NULL;
    void *mem = calloc(1, size);
    if(mem)
        r->mems[r->nmems++] = mem;
    return mem;
}

/* ipc_listen(3): EADDRINUSE when the address is taken, which a socket file
 * left by a closed listener still does. */
static void op_listen(struct run *r, const struct fz_op *op) {
    int s = free_slot(r, op->a), a = op->b % FZ_NADDRS;
    if(s == NONE)
        return;
    struct expect x = path_exists(a) ? MUST_FAIL("address-in-use", EADDRINUSE)
                                     : MUST_SUCCEED("free-address");
    void *mem = storage(r, op, sizeof(struct ipc_listener_storage));
    int h = mem ? ipc_listen_mem(addr_path(a), BACKLOG, mem)
                : ipc_listen(addr_path(a), BACKLOG);
    if(!judge(r, FZ_IPC_LISTEN, &x, h, errno, true)) {
        return;
    }
    set_slot(r, s, LISTENER, h, mem);
    r->slots[s].addr = a;
}

/* ipc_listener_fromfd(3) of a listening socket the harness made itself. */
static void op_listener_fromfd(struct run *r, const struct fz_op *op) {
    int s = free_slot(r, op->a), a = op->b % FZ_NADDRS;
    if(s == NONE || path_exists(a))
        return;
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", addr_path(a));
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if(fd < 0)
        return;
    if(bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(fd, BACKLOG) != 0) {
        close(fd);
        return;
    }
    void *mem = storage(r, op, sizeof(struct ipc_listener_storage));
    int h = mem ? ipc_listener_fromfd_mem(fd, mem) : ipc_listener_fromfd(fd);
    struct expect x = MUST_SUCCEED("listening-fd");
    if(!judge(r, FZ_IPC_LISTENER_FROMFD, &x, h, errno, true)) {
        close(fd);
        return;
    }
    set_slot(r, s, LISTENER, h, mem);
    r->slots[s].addr = a;
}

/* ipc_connect(3): ENOENT when nothing is at the address, ECONNREFUSED when
 * a socket file is there but nobody listens. */
static void op_connect(struct run *r, const struct fz_op *op) {
    int s = free_slot(r, op->a), a = op->b % FZ_NADDRS;
    int l = listener_on(r, a);
    if(s == NONE || (l != NONE && r->slots[l].npending == MAX_PENDING))
        return;
    struct expect x = l != NONE ? MUST_SUCCEED("listening")
        : path_exists(a) ? MUST_FAIL("nobody-listening", ECONNREFUSED)
        : MUST_FAIL("no-such-file", ENOENT);
    void *mem = storage(r, op, sizeof(struct ipc_storage));
    int64_t dl = deadline(r, op->dl, true);
    int h = mem ? ipc_connect_mem(addr_path(a), mem, dl) : ipc_connect(addr_path(a), dl);
    int e = new_ep(r);
    if(!judge(r, FZ_IPC_CONNECT, &x, h, errno, true) || e == NONE) {
        if(h >= 0)
            hclose(h);
        return;
    }
    set_slot(r, s, CONN, h, mem);
    r->slots[s].ep = e;
    if(l != NONE)
        r->slots[l].pending[r->slots[l].npending++] = e;
    else
        r->eps[e].reset = true;   /* connected to a listener we do not know */
}

/* ipc_accept(3): takes the oldest connection waiting on the listener. */
static void op_accept(struct run *r, const struct fz_op *op) {
    int h, l, s = free_slot(r, op->b);
    if(s == NONE || !resolve(r, op->a, &h, &l))
        return;
    struct expect x;
    bool ready = false;
    if(l == NONE)
        x = MUST_FAIL("bad-handle", EBADF);
    else if(r->slots[l].kind != LISTENER)
        x = MUST_FAIL("not-a-listener", ENOTSUP);
    else if(r->slots[l].npending > 0)
        x = MUST_SUCCEED("connection-waiting"), ready = true;
    else
        x = MUST_FAIL("nothing-waiting", ETIMEDOUT);
    void *mem = storage(r, op, sizeof(struct ipc_storage));
    int64_t dl = deadline(r, op->dl, ready || l == NONE || r->slots[l].kind != LISTENER);
    int c = mem ? ipc_accept_mem(h, mem, dl) : ipc_accept(h, dl);
    int e = new_ep(r);
    if(!judge(r, FZ_IPC_ACCEPT, &x, c, errno, true) || e == NONE || !ready) {
        if(c >= 0)
            hclose(c);
        return;
    }
    struct slot *ls = &r->slots[l];
    int client = ls->pending[0];
    memmove(ls->pending, ls->pending + 1, sizeof(int) * (size_t)--ls->npending);
    set_slot(r, s, CONN, c, mem);
    r->slots[s].ep = e;
    r->eps[e].peer = client;
    r->eps[client].peer = e;
}

/* Two connected endpoints in two slots, from ipc_pair(3) or from a
 * socketpair handed to ipc_fromfd(3). */
static void make_pair(struct run *r, const struct fz_op *op, bool fromfd) {
    int s0 = free_slot(r, op->a);
    if(s0 == NONE)
        return;
    r->slots[s0].kind = BUNDLE;               /* reserve it while looking */
    int s1 = free_slot(r, op->a);
    r->slots[s0].kind = EMPTY;
    if(s1 == NONE)
        return;
    int h[2] = {-1, -1}, rc;
    void *mem[2] = {NULL, NULL};
    if(fromfd) {
        int fds[2];
        if(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
            return;
        for(int i = 0; i < 2; i++) {
            mem[i] = storage(r, op, sizeof(struct ipc_storage));
            h[i] = mem[i] ? ipc_fromfd_mem(fds[i], mem[i]) : ipc_fromfd(fds[i]);
            if(!judge(r, FZ_IPC_FROMFD, &MUST_SUCCEED("socket"),
                    h[i], errno, true))
                close(fds[i]);
        }
        rc = h[0] >= 0 && h[1] >= 0 ? 0 : -1;
    } else {
        mem[0] = storage(r, op, sizeof(struct ipc_pair_storage));
        rc = mem[0] ? ipc_pair_mem(mem[0], h) : ipc_pair(h);
        judge(r, FZ_IPC_PAIR, &MUST_SUCCEED("always"), rc, errno, false);
    }
    int e0 = new_ep(r), e1 = new_ep(r);
    if(rc != 0 || e1 == NONE) {
        for(int i = 0; i < 2; i++)
            if(h[i] >= 0)
                hclose(h[i]);
        return;
    }
    /* ipc_pair_mem's storage holds both ends: the first slot owns it. */
    set_slot(r, s0, CONN, h[0], mem[0]);
    set_slot(r, s1, CONN, h[1], mem[1]);
    r->slots[s0].ep = e0;
    r->slots[s1].ep = e1;
    r->eps[e0].peer = e1;
    r->eps[e1].peer = e0;
}

static void op_bundle(struct run *r, const struct fz_op *op) {
    int s = free_slot(r, op->a);
    if(s == NONE)
        return;
    void *mem = storage(r, op, sizeof(struct bundle_storage));
    int h = mem ? bundle_mem(mem) : bundle();
    if(h < 0) {
        return;
    }
    set_slot(r, s, BUNDLE, h, mem);
}

/******************************************************************************/
/*  Bytestreams                                                               */
/******************************************************************************/

/* The connection an operand names, or the expectation for a call on a
 * handle that is none: EBADF for no object, ENOTSUP for another kind. */
static struct ep *conn_operand(struct run *r, uint8_t v, int *h, struct expect *x,
        bool *skip) {
    int s;
    *skip = !resolve(r, v, h, &s);
    if(*skip)
        return NULL;
    if(s == NONE) {
        *x = MUST_FAIL("bad-handle", EBADF);
        return NULL;
    }
    if(r->slots[s].kind != CONN) {
        *x = MUST_FAIL("not-a-connection", ENOTSUP);
        return NULL;
    }
    struct ep *e = &r->eps[r->slots[s].ep];
    r->after_fd = e->fd_failed || e->in_unsure;
    return e;
}

/* The iolist for `len` bytes of `buf` in up to four pieces. */
static int build_list(struct iolist *iol, uint8_t *buf, size_t len, int pieces,
        bool skip) {
    size_t at = 0;
    for(int i = 0; i < pieces; i++) {
        size_t n = i == pieces - 1 ? len - at : len / (size_t)pieces;
        iol[i] = (struct iolist){skip && i % 2 ? NULL : buf + at, n,
            i == pieces - 1 ? NULL : &iol[i + 1], 0};
        at += n;
    }
    return pieces;
}

/* What a send of `len` bytes on `e` may do (bsend(3): "There is no such
 * thing as partial send"; after a failure "the socket cannot be used for
 * sending from that point on"; ipc_done(3) ends the outbound half), and
 * whether it is sure to complete without waiting. */
static struct expect send_expect(struct run *r, const struct ep *e, size_t len,
        bool *safe) {
    *safe = inflight(r, e) + len <= SAFE_INFLIGHT && e->sends < SAFE_SENDS;
    if(e->out_done)
        return MUST_FAIL("after-done", EPIPE);
    if(e->out_dead)
        return MUST_FAIL(e->fd_failed ? "after-fd-call-failure" : "after-failure", 0);
    if(!peer_alive(r, e)) {
        *safe = false;
        return EITHER("peer-closed", EPIPE, ECONNRESET);
    }
    return *safe ? MUST_SUCCEED("room") : EITHER("maybe-full", ETIMEDOUT);
}

/* The model after a send of `len` bytes (an fd's byte when `fd_call`). */
static void account_send(struct ep *e, bool ok, uint32_t len, bool fd_call) {
    e->sends++;
    if(ok) {
        if(fd_call)
            e->fdpos[e->nfds++] = e->sent;
        e->sent += len;
    } else if(!e->out_done) {
        e->fd_failed |= fd_call && !e->out_dead;
        e->out_dead = true;
        e->sent_unknown = true;   /* part of it may have gone */
    }
}

/* bsend(3)/bsendl(3), with the caller's list checked unchanged. */
static void op_send(struct run *r, const struct fz_op *op, bool list) {
    enum fz_fn fn = list ? FZ_BSENDL : FZ_BSEND;
    int h;
    bool skip, safe = true;
    struct expect x;
    struct ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    if(e)
        x = send_expect(r, e, op->len, &safe);
    static uint8_t buf[4096];
    for(size_t i = 0; e && i < op->len; i++)
        buf[i] = pattern((int)(e - r->eps), e->sent + (uint32_t)i);
    struct iolist iol[4], copy[4];
    int pieces = build_list(iol, buf, op->len, 1 + op->flags % 4, false);
    memcpy(copy, iol, sizeof(iol));
    int64_t dl = deadline(r, op->dl, safe);
    int rc = list ? bsendl(h, &iol[0], &iol[pieces - 1], dl) : bsend(h, buf, op->len, dl);
    int err = errno;
    if(list && r->mode == FZ_ORACLE && memcmp(copy, iol, sizeof(iol)) != 0)
        finding(fn, "list", "modified", "the caller's list changed");
    bool ok = judge(r, fn, &x, rc, err, false);
    if(e)
        account_send(e, ok, (uint32_t)op->len, false);
}

/* FNV-1a over the bytes the list's buffers received (NULL bases skip). */
static uint32_t checksum(const struct iolist *iol, int pieces) {
    uint32_t sum = 2166136261u;
    for(int i = 0; i < pieces; i++)
        for(size_t k = 0; iol[i].iol_base && k < iol[i].iol_len; k++)
            sum = (sum ^ ((const uint8_t *)iol[i].iol_base)[k]) * 16777619u;
    return sum;
}

/* Bytes received at `pos` onwards must be the peer's pattern: "Nothing is
 * lost".  NULL-based pieces were skipped (brecvl(3)). */
static void check_bytes(struct run *r, enum fz_fn fn, const struct ep *e,
        const struct iolist *iol, int pieces, uint32_t pos) {
    if(r->mode != FZ_ORACLE || e->peer == NONE || r->lost)
        return;
    for(int i = 0; i < pieces; i++) {
        const uint8_t *p = iol[i].iol_base;
        for(size_t k = 0; p && k < iol[i].iol_len; k++)
            if(p[k] != pattern(e->peer, pos + (uint32_t)k))
                finding(fn, "bytes", "wrong-bytes",
                    "byte %u of the stream is not the byte sent",
                    (unsigned)(pos + k));
        pos += (uint32_t)iol[i].iol_len;
    }
}

/* brecv(3)/brecvl(3): "no such thing as partial receive"; EPIPE once the
 * peer's outbound half is closed and its data read (ipc_done(3)); EBUSY
 * while another coroutine receives. */
static struct expect recv_expect(struct run *r, const struct ep *e, size_t len,
        bool *safe) {
    uint32_t avail = available(r, e);
    bool unknown = e->peer != NONE && r->eps[e->peer].sent_unknown;
    *safe = true;
    if(e->busy_cell != NONE)
        return MUST_FAIL("busy", EBUSY);
    if(e->in_dead)
        return MUST_FAIL(e->fd_failed ? "after-fd-call-failure" : "after-failure", 0);
    if(e->in_unsure) {
        *safe = avail >= len;
        return EITHER("after-eproto", 0);
    }
    /* Queued data is read before a closed peer's EOF or reset shows. */
    if(avail >= len)
        return MUST_SUCCEED("data-waiting");
    if(!peer_alive(r, e))
        return EITHER("peer-closed", EPIPE, ECONNRESET);
    if(unknown) {
        *safe = false;
        return EITHER("peer-send-failed", ETIMEDOUT, EPIPE, ECONNRESET);
    }
    if(e->peer != NONE && r->eps[e->peer].out_done)
        return MUST_FAIL("peer-done", EPIPE);
    *safe = false;
    return MUST_FAIL("would-block", ETIMEDOUT);
}

static void op_recv(struct run *r, const struct fz_op *op, bool list) {
    enum fz_fn fn = list ? FZ_BRECVL : FZ_BRECV;
    int h;
    bool skip, safe = true;
    struct expect x;
    struct ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    bool null_buf = (op->flags & FZ_FLAG_SKIP) != 0;
    char situation[48];
    if(e && fd_ahead(r, e, e->rcvd, op->len))
        return;
    if(e)
        x = recv_expect(r, e, op->len, &safe);
    if(null_buf) {   /* its own key: a target may treat skipping apart */
        snprintf(situation, sizeof(situation), "%s-null-buffer", x.situation);
        x.situation = situation;
    }
    static uint8_t buf[4096];
    struct iolist iol[4], copy[4];
    int pieces = build_list(iol, buf, op->len, list ? 1 + op->flags % 4 : 1,
        list && null_buf);
    if(!list && null_buf)
        iol[0].iol_base = NULL;
    memcpy(copy, iol, sizeof(iol));
    int64_t dl = deadline(r, op->dl, safe);
    int rc = list ? brecvl(h, &iol[0], &iol[pieces - 1], dl)
                  : brecv(h, iol[0].iol_base, op->len, dl);
    int err = errno;
    if(list && r->mode == FZ_ORACLE && memcmp(copy, iol, sizeof(iol)) != 0)
        finding(fn, "list", "modified", "the caller's list changed");
    bool ok = judge(r, fn, &x, rc, err, false);
    if(r->trace && ok && r->trace->n > 0)
        r->trace->steps[r->trace->n - 1].sum = checksum(iol, pieces);
    if(!e || (rc == -1 && err == EBUSY))
        return;
    if(ok) {
        check_bytes(r, fn, e, iol, pieces, e->rcvd);
        e->rcvd += (uint32_t)op->len;
    } else {
        e->in_dead = true;
    }
}

/* ipc_sendfd (spec/ipc_sendfd.md): one byte of the stream with a pipe's
 * read end attached, or EINVAL for fd -1; otherwise as a 1-byte bsend. */
static void op_sendfd(struct run *r, const struct fz_op *op) {
    int h;
    bool skip, bad_fd = (op->flags & FZ_FLAG_SKIP) != 0, safe = true;
    struct expect x;
    struct ep *e = conn_operand(r, op->a, &h, &x, &skip);
    /* A coroutine blocked in brecv on the other end would take the byte. */
    if(skip || (e && (e->nfds == 8 ||
            (e->peer != NONE && r->eps[e->peer].busy_cell != NONE))))
        return;
    /* A target known to die of SIGPIPE here is spared the call. */
    if(e && !bad_fd && !peer_alive(r, e) && fz_known("ipc_sendfd/peer-closed/crash")) {
        skip_step(r);
        return;
    }
    if(e)
        x = bad_fd ? MUST_FAIL("bad-fd", EINVAL) : send_expect(r, e, 1, &safe);
    int p[2] = {-1, -1};
    if(!bad_fd && pipe(p) != 0)
        return;
    int rc = ipc_sendfd(h, bad_fd ? -1 : p[0], deadline(r, op->dl, safe));
    bool ok = judge(r, FZ_IPC_SENDFD, &x, rc, errno, false);
    if(p[0] >= 0) {
        close(p[0]);      /* the caller keeps its own copy: closing it is ours */
        close(p[1]);
    }
    if(e && !bad_fd)
        account_send(e, ok, 1, true);
}

/* ipc_recvfd: the fd sent at this point of the stream, EPROTO when the byte
 * here came without one; otherwise as a 1-byte brecv. */
static void op_recvfd(struct run *r, const struct fz_op *op) {
    int h;
    bool skip, safe = true, carries = false;
    struct expect x;
    struct ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    if(e) {
        carries = fd_ahead(r, e, e->rcvd, 1);
        x = recv_expect(r, e, 1, &safe);
        if(x.may_succeed && !x.may_fail && !carries)
            x = MUST_FAIL("byte-without-fd", EPROTO);
    }
    /* A target known to hang here (its receive buffer took the byte and
     * dropped the fd) is never asked to wait without a deadline. */
    if(fz_known("ipc_recvfd/deadline-infinite/hang"))
        safe = false;
    int fd = ipc_recvfd(h, deadline(r, op->dl, safe));
    int err = errno;
    bool ok = judge(r, FZ_IPC_RECVFD, &x, fd, err, true);
    if(ok) {
        if(r->mode == FZ_ORACLE && !r->lost && fcntl(fd, F_GETFD) < 0)
            finding(FZ_IPC_RECVFD, "fd-sent", "not-open", "returned %d, not an open fd", fd);
        close(fd);
    }
    if(!e || (fd == -1 && err == EBUSY))
        return;
    if(ok || (fd == -1 && err == EPROTO))
        e->rcvd++;
    if(fd == -1 && err == EPROTO)
        e->in_unsure = true;
    else if(!ok) {
        e->fd_failed |= !e->in_dead;
        e->in_dead = true;
    }
}

/* ipc_done(3): closes the outbound half; a second call has nothing left to
 * close (EPIPE). */
static void op_done(struct run *r, const struct fz_op *op) {
    int h;
    bool skip;
    struct expect x;
    struct ep *e = conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    if(e)
        x = e->out_done ? MUST_FAIL("after-done", EPIPE)
          : e->out_dead || !peer_alive(r, e) ? EITHER("after-failure", 0)
          : MUST_SUCCEED("open");
    int rc = ipc_done(h, deadline(r, op->dl, true));
    if(judge(r, FZ_IPC_DONE, &x, rc, errno, false) && e)
        e->out_done = true;
}

/* ipc_close(3): the terminal handshake (done, then wait for the peer's
 * done); "The socket is closed even in the case of error"; on a listener
 * "equivalent to calling hclose". */
static void op_ipc_close(struct run *r, const struct fz_op *op) {
    int h, s;
    if(!resolve(r, op->a, &h, &s))
        return;
    struct expect x;
    bool safe = true;
    if(s == NONE) {
        x = MUST_FAIL("bad-handle", EBADF);
    } else if(r->slots[s].kind == LISTENER) {
        x = MUST_SUCCEED("listener");
    } else if(r->slots[s].kind != CONN) {
        x = MUST_FAIL("not-ipc", ENOTSUP);
    } else {
        struct ep *e = &r->eps[r->slots[s].ep];
        r->after_fd = e->fd_failed || e->in_unsure;
        bool peer_done = e->peer != NONE && r->eps[e->peer].out_done &&
            !r->eps[e->peer].sent_unknown;
        /* It waits for the peer's done: -1 only when that has come. */
        safe = peer_done || !peer_alive(r, e);
        if(e->out_done || e->out_dead || e->in_dead || e->in_unsure ||
                e->busy_cell != NONE)
            x = EITHER("after-failure", 0);
        else if(!peer_alive(r, e))
            x = EITHER("peer-closed", ECONNRESET);
        else if(peer_done)
            x = MUST_SUCCEED("peer-done");
        else
            x = MUST_FAIL("peer-open", ETIMEDOUT);
        release_receiver(r, s);
    }
    int rc = ipc_close(h, deadline(r, op->dl, safe));
    judge(r, FZ_IPC_CLOSE, &x, rc, errno, false);
    if(s != NONE && r->slots[s].kind == CONN && fz_known("ipc_close/dangling-handle/crash"))
        poison(h);
    if(s != NONE && (r->slots[s].kind == CONN || r->slots[s].kind == LISTENER)) {
        if(r->slots[s].kind == CONN)
            r->eps[r->slots[s].ep].out_done = true;
        forget(r, s);
    }
}

/* hclose(3) of any operand: EBADF for what is not a handle. */
static void op_hclose(struct run *r, const struct fz_op *op) {
    int h, s;
    if(!resolve(r, op->a, &h, &s))
        return;
    if(s != NONE) {
        close_slot(r, s);
        return;
    }
    int rc = hclose(h);
    judge(r, FZ_HCLOSE, &MUST_FAIL("bad-handle", EBADF), rc, errno, false);
}

/******************************************************************************/
/*  Coroutines                                                                */
/******************************************************************************/

static struct run *running;

/* Receives one byte with no deadline; once canceled, tries two more calls
 * that must both fail with ECANCELED (go(3), hclose(3), msleep(3)). */
static coroutine void receiver(int c) {
    struct run *r = running;
    struct cell *cell = &r->cells[c];
    struct ep *e = &r->eps[cell->ep];
    uint8_t byte = 0;
    cell->rc = brecv(cell->h, &byte, 1, -1);
    cell->err = errno;
    if(cell->rc == 0) {
        cell->byte_ok = e->peer != NONE && byte == pattern(e->peer, e->rcvd);
        e->rcvd++;
    } else {
        e->in_dead = true;
    }
    e->busy_cell = NONE;
    cell->done = true;
    if(cell->rc == -1 && cell->err == ECANCELED) {
        /* Not the same socket: its receiving side is over already. */
        cell->after_rc = msleep(now() + 50);
        cell->after_err = errno;
        int pair[2];
        cell->pair_rc = ipc_pair(pair);
        cell->pair_err = errno;
        if(cell->pair_rc == 0) {
            hclose(pair[0]);
            hclose(pair[1]);
        }
    }
}

static void op_go_recv(struct run *r, const struct fz_op *op) {
    int h, s, slot = free_slot(r, op->b);
    if(r->mode != FZ_ORACLE || slot == NONE || !resolve(r, op->a, &h, &s))
        return;
    if(s == NONE || r->slots[s].kind != CONN || r->ncells == FZ_MAX_OPS)
        return;
    struct ep *e = &r->eps[r->slots[s].ep];
    if(e->busy_cell != NONE || fd_ahead(r, e, e->rcvd, SIZE_MAX))
        return;
    int c = r->ncells++;
    r->cells[c] = (struct cell){.ep = r->slots[s].ep, .h = h};
    e->busy_cell = c;
    int cr = go(receiver(c));
    if(cr < 0) {
        e->busy_cell = NONE;
        r->ncells--;
        return;
    }
    set_slot(r, slot, COROUTINE, cr, NULL);
    r->slots[slot].cell = c;
}

static void op_yield(struct run *r, const struct fz_op *op) {
    if(r->mode != FZ_ORACLE)
        return;
    int rc = (op->len & 1) ? msleep(now() + 1) : yield();
    if(rc != 0)
        fz_finding("yield/always/failed", "yield or msleep failed: %s",
            fz_errname(errno));
}

/******************************************************************************/
/*  The program                                                               */
/******************************************************************************/

/* DILLSPEC_FUZZ_VERBOSE=1 prints each operation before it runs: with
 * dillspec-fuzz-print's listing, it shows where a program hangs. */
static bool verbose(void) {
    static int v = -1;
    if(v < 0)
        v = getenv("DILLSPEC_FUZZ_VERBOSE") != NULL;
    return v;
}

static void step(struct run *r, const struct fz_op *op) {
    r->code = op->code;
    r->after_fd = false;
    if(verbose())
        fprintf(stderr, "op %d: %s\n", r->op, fz_op_name(op->code));
    switch(op->code) {
    case OP_LISTEN: op_listen(r, op); break;
    case OP_LISTENER_FROMFD: op_listener_fromfd(r, op); break;
    case OP_CONNECT: op_connect(r, op); break;
    case OP_ACCEPT: op_accept(r, op); break;
    case OP_PAIR: make_pair(r, op, false); break;
    case OP_FROMFD: make_pair(r, op, true); break;
    case OP_BSEND: op_send(r, op, false); break;
    case OP_BSENDL: op_send(r, op, true); break;
    case OP_BRECV: op_recv(r, op, false); break;
    case OP_BRECVL: op_recv(r, op, true); break;
    case OP_DONE: op_done(r, op); break;
    case OP_IPC_CLOSE: op_ipc_close(r, op); break;
    case OP_HCLOSE: op_hclose(r, op); break;
    case OP_GO_RECV: op_go_recv(r, op); break;
    case OP_BUNDLE: op_bundle(r, op); break;
    case OP_YIELD: op_yield(r, op); break;
    case OP_SENDFD: op_sendfd(r, op); break;
    case OP_RECVFD: op_recvfd(r, op); break;
    default: break;
    }
}

void fz_execute(const struct fz_program *prog, enum fz_mode mode,
        struct fz_trace *trace) {
    static struct run r;
    memset(&r, 0, sizeof(r));
    r.mode = mode;
    r.trace = trace;
    r.last_closed = -1;
    for(int s = 0; s < FZ_NSLOTS; s++)
        r.slots[s].last_h = -1;
    if(trace)
        trace->n = 0;
    running = &r;
    for(r.op = 0; r.op < prog->n; r.op++)
        step(&r, &prog->ops[r.op]);
    /* Coroutines first: none may outlive the connection it waits on. */
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r.slots[s].kind == COROUTINE)
            close_slot(&r, s);
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r.slots[s].kind != EMPTY)
            close_slot(&r, s);
    running = NULL;
    for(int i = 0; i < r.nmems; i++)
        free(r.mems[i]);
}

void fz_warm_up(void) {
    int pair[2];
    now();
    yield();
    msleep(now() + 1);
    if(ipc_pair(pair) == 0) {
        char c;
        brecv(pair[0], &c, 1, now() + 1);   /* a wait on an fd: the poller */
        hclose(pair[0]);
        hclose(pair[1]);
    }
}

int fz_begin_input(const uint8_t *data, size_t size) {
    static int warm;
    fz_save_input(data, size);
    if(!warm++)
        fz_warm_up();
    return fz_count_fds();
}
