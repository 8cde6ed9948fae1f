/* The model: slots and the handles in them, operands resolved to handles,
 * connection endpoints, addresses and deadlines, the steps calls record in
 * the trace, and what an object's closing changes (see model.h).
 * Bookkeeping only, at the bottom of the executor's files: the calls that
 * close are calls_close.c's, the judging is judge.c's, and it uses only
 * what every harness shares (fuzz.h, program.h, the clock of vtime.h). */
#include <limits.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdill.h>

#include "model.h"
#include "vtime.h"

/******************************************************************************/
/*  Slots, handles and the model                                              */
/******************************************************************************/

int fz_free_slot(struct fz_run *r, uint8_t from) {
    for(int i = 0; i < FZ_NSLOTS; i++) {
        int s = (from + i) % FZ_NSLOTS;
        if(r->slots[s].kind == FZ_EMPTY)
            return s;
    }
    return FZ_NONE;
}

/* A raw fd's number is no handle's: a handle with the same number is
 * another object. */
static int slot_of_handle(struct fz_run *r, int h) {
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r->slots[s].kind != FZ_EMPTY && r->slots[s].kind != FZ_RAW && r->slots[s].h == h)
            return s;
    return FZ_NONE;
}

static int first_of_kind(struct fz_run *r, enum fz_kind a, enum fz_kind b) {
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r->slots[s].kind == a || r->slots[s].kind == b)
            return s;
    return FZ_NONE;
}

/* Handle numbers a known target defect left pointing at freed memory
 * (the "ipc_close/dangling-handle/crash" key): never touched again, in this
 * input or a later one, since the target never frees the number. */
/* One bit per number.  The set only grows, as the target's table of
 * dangling numbers does (a long run makes thousands), and every operand
 * asks about it: a lookup must not grow with it. */
static uint64_t *poisoned;
static size_t poison_words;

void fz_poison(int h) {
    if(h < 0)
        return;   /* never a live connection's number */
    size_t w = (size_t)h / 64;
    if(w >= poison_words) {
        size_t n = poison_words ? 2 * poison_words : 64;
        while(n <= w)
            n *= 2;
        poisoned = realloc(poisoned, sizeof(*poisoned) * n);
        if(!poisoned)
            abort();
        memset(poisoned + poison_words, 0, sizeof(*poisoned) * (n - poison_words));
        poison_words = n;
    }
    poisoned[w] |= (uint64_t)1 << (h % 64);
}

static bool is_poisoned(int h) {
    return h >= 0 && (size_t)h / 64 < poison_words &&
        (poisoned[(size_t)h / 64] >> (h % 64) & 1);
}

static bool resolve_number(struct fz_run *r, uint8_t v, int *h, int *slot);

/* An operand's handle number and the slot that holds it (FZ_NONE: no live
 * object of this program).  False when the operand names nothing to try;
 * a poisoned number is skipped, and in a trace the skip is a step of its
 * own, so that the traces of two targets stay aligned. */
bool fz_resolve(struct fz_run *r, uint8_t v, int *h, int *slot) {
    if(!resolve_number(r, v, h, slot))
        return false;
    if(!is_poisoned(*h))
        return true;
    fz_skip_step(r);
    return false;
}

static bool resolve_number(struct fz_run *r, uint8_t v, int *h, int *slot) {
    int s;
    switch(v) {
    case FZ_SP_MINUS_ONE: *h = -1; break;
    case FZ_SP_ZERO: *h = 0; break;
    case FZ_SP_INT_MAX: *h = INT_MAX; break;
    case FZ_SP_LAST_CLOSED: *h = r->last_closed; break;
    case FZ_SP_NEVER_ISSUED: *h = 1 << 20; break;
    case FZ_SP_INT_MIN: *h = INT_MIN; break;
    case FZ_SP_COROUTINE_OR_BUNDLE:
    case FZ_SP_LISTENER:
        s = v == FZ_SP_LISTENER ? first_of_kind(r, FZ_LISTENER, FZ_LISTENER)
                             : first_of_kind(r, FZ_COROUTINE, FZ_BUNDLE);
        if(s == FZ_NONE)
            return false;
        *h = r->slots[s].h;
        break;
    default:
        s = v % FZ_NSLOTS;
        if(r->slots[s].kind == FZ_RAW)
            return false;   /* an fd, not a handle */
        /* An empty slot stands for the handle it held last, now closed. */
        *h = r->slots[s].kind == FZ_EMPTY ? r->slots[s].last_h : r->slots[s].h;
        break;
    }
    /* Which object a closed number or 0 reaches is the target's own
     * business (libdill reuses numbers at once, ref does not), so a trace,
     * which two targets must agree on, uses an invalid number instead. */
    if(r->mode == FZ_TRACE && (v == FZ_SP_ZERO || v == FZ_SP_LAST_CLOSED ||
            (v < FZ_SP_MINUS_ONE && r->slots[v % FZ_NSLOTS].kind == FZ_EMPTY)))
        *h = -1;
    *slot = *h == -1 ? FZ_NONE : slot_of_handle(r, *h);
    return true;
}

bool fz_resolve_fd(struct fz_run *r, uint8_t v, int *fd, int *raw) {
    *raw = FZ_NONE;
    switch(v) {
    case FZ_SP_MINUS_ONE: *fd = -1; return true;
    case FZ_SP_INT_MAX: *fd = INT_MAX; return true;
    case FZ_SP_NEVER_ISSUED: *fd = 1 << 20; return true;
    case FZ_SP_INT_MIN: *fd = INT_MIN; return true;
    default:
        if(v >= FZ_SP_MINUS_ONE || r->slots[v % FZ_NSLOTS].kind != FZ_RAW)
            return false;
        *raw = r->slots[v % FZ_NSLOTS].raw;
        *fd = r->raws[*raw].fd;
        return true;
    }
}

int fz_new_raw_pair(struct fz_run *r, const int fds[2]) {
    if(r->nraws + 2 > FZ_MAX_RAWS)
        return FZ_NONE;
    int k = r->nraws;
    for(int i = 0; i < 2; i++)
        r->raws[k + i] = (struct fz_raw){.fd = fds[i], .peer = k + 1 - i, .open = true};
    r->nraws += 2;
    return k;
}

/* Bounds within which a send from one end surely leaves it writable: AF_UNIX
 * reports an end writable while a quarter of its send buffer (212992 bytes
 * by default) holds what the other end has not read, each send's bookkeeping
 * included. */
#define FZ_RAW_SURE_BYTES 16384
#define FZ_RAW_SURE_WRITES 8

/* What the model knows of a raw end (see model.h): its bytes and its
 * peer's, not the coroutines that wait on it (fz_raw_busy, cells.c). */
bool fz_raw_readable(const struct fz_run *r, int k) {
    return r->raws[k].unread > 0 || !r->raws[r->raws[k].peer].open;
}

int fz_raw_writable(const struct fz_run *r, int k) {
    const struct fz_raw *w = &r->raws[k], *p = &r->raws[w->peer];
    if(!p->open)
        return 1;          /* an error state: "Either case leads to a successful return" */
    if(w->full)
        return 0;
    return p->unread <= FZ_RAW_SURE_BYTES && w->writes <= FZ_RAW_SURE_WRITES ? 1 : -1;
}

int fz_new_ep(struct fz_run *r) {
    if(r->neps == FZ_MAX_EPS)
        return FZ_NONE;
    int e = r->neps++;
    r->eps[e] = (struct fz_ep){.peer = FZ_NONE, .open = true, .busy_cell = FZ_NONE};
    return e;
}

void fz_set_slot(struct fz_run *r, int s, enum fz_kind kind, int h, void *mem) {
    struct fz_slot *sl = &r->slots[s];
    int last = sl->last_h;
    *sl = (struct fz_slot){.kind = kind, .h = h, .last_h = last, .ep = FZ_NONE,
        .addr = FZ_NONE, .raw = FZ_NONE, .mem = mem};
}

/* The fd the peer of `e` sent with a byte in [from, from + len) of what
 * `e` receives (len SIZE_MAX: anywhere from `from` on), NULL if none: only
 * ipc_recvfd may take such a byte (spec/ipc_sendfd.md: "It must be matched
 * to an ipc_sendfd at the same point of the byte stream"), so the executor
 * never lets a plain receive cross one. */
const struct fz_sent_fd *fz_fd_ahead(const struct fz_run *r, const struct fz_ep *e,
        uint32_t from, size_t len) {
    if(e->peer == FZ_NONE)
        return NULL;
    const struct fz_ep *p = &r->eps[e->peer];
    for(int i = 0; i < p->nfds; i++)
        if(p->fds[i].pos >= from && (len == SIZE_MAX || p->fds[i].pos - from < len))
            return &p->fds[i];
    return NULL;
}

/* Made once per address: every listen and connect names one. */
const char *fz_addr_path(int a) {
    static char paths[FZ_NADDRS][96];
    const char *dir = fz_dir();   /* also marks the directory for cleaning */
    if(!paths[a][0])
        snprintf(paths[a], sizeof(paths[a]), "%s/a%d", dir, a);
    return paths[a];
}

int fz_listener_on(struct fz_run *r, int a) {
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r->slots[s].kind == FZ_LISTENER && r->slots[s].addr == a)
            return s;
    return FZ_NONE;
}

/* Each input starts with the directory empty (fz_clean_dir), and only a
 * bind puts a file in it: while the model holds, it knows the answer
 * without a system call (lstat was 4% of the handles harness). */
bool fz_path_exists(const struct fz_run *r, int a) {
    if(r->addrs[a] != FZ_ADDR_ASK && !r->lost)
        return r->addrs[a] == FZ_ADDR_BOUND;
    struct stat st;
    return lstat(fz_addr_path(a), &st) == 0;
}

void fz_bound(struct fz_run *r, int a, bool ok) {
    if(ok)
        r->addrs[a] = FZ_ADDR_BOUND;
    else if(r->addrs[a] != FZ_ADDR_BOUND)
        r->addrs[a] = FZ_ADDR_ASK;
}

bool fz_may_wait_forever(const struct fz_run *r) {
    /* After a failed ipc_*fd call a target may still wait (below). */
    if((r->after_fd && fz_known("ipc_recvfd/deadline-infinite/hang")) || r->on_accepting)
        return false;
    return !r->lost;
}

int64_t fz_deadline_in(struct fz_run *r, enum fz_deadline dl, bool safe, int delay_ms) {
    int64_t d;
    switch(dl) {
    case FZ_DL_INFINITE:
        d = safe && fz_may_wait_forever(r) ? -1 : 0;
        break;
    case FZ_DL_TIMED: d = r->mode == FZ_TRACE ? 0 : now() + delay_ms; break;
    case FZ_DL_PAST: d = now() - 10; d = d > 0 ? d : 1; break;
    default: d = 0; break;
    }
    r->call.set = true;
    r->call.mode = d == 0 ? FZ_DL_ZERO : dl;
    r->call.value = d;
    r->call.vt = fz_vt_ms();
    return d;
}

int64_t fz_deadline(struct fz_run *r, enum fz_deadline dl, bool safe) {
    return fz_deadline_in(r, dl, safe, 1);
}

/******************************************************************************/
/*  The trace's steps                                                         */
/******************************************************************************/

/* Here, not in the judge, because an operand resolved to a poisoned number
 * (fz_resolve) records its skip before any call is judged. */
void fz_record_step(struct fz_run *r, int rc, int err, bool open, bool blocked) {
    const int room = (int)(sizeof(r->trace->steps) / sizeof(r->trace->steps[0]));
    r->step = NULL;
    if(!r->trace || r->trace->n == room)
        return;
    struct fz_step *s = r->step = &r->trace->steps[r->trace->n++];
    s->op = (int16_t)r->op;
    s->code = (int8_t)r->code;
    s->outcome = (int8_t)(rc == -1 ? -1 : rc == 0 ? 0 : 1);
    s->err = rc == -1 ? err : 0;
    s->sum = 0;
    s->after_fd = r->after_fd;
    s->open = open;
    s->list = false;
    s->blocked = blocked;
}

void fz_skip_step(struct fz_run *r) {
    fz_record_step(r, 0, 0, false, false);
    if(r->step)
        r->step->outcome = FZ_SKIPPED;
}

/******************************************************************************/
/*  Forgetting a closed object                                                */
/******************************************************************************/

/* The model after an object is gone, whatever closed it. */
void fz_forget(struct fz_run *r, int s) {
    struct fz_slot *sl = &r->slots[s];
    if(sl->kind == FZ_CONN)
        r->eps[sl->ep].open = false;
    if(sl->kind == FZ_LISTENER && sl->addr != FZ_NONE)
        r->addrs[sl->addr] = FZ_ADDR_ASK;
    if(sl->kind == FZ_LISTENER)
        for(int i = 0; i < sl->npending; i++)
            if(r->eps[sl->pending[i]].peer == FZ_NONE)
                r->eps[sl->pending[i]].reset = true;
    if(sl->kind == FZ_RAW) {
        r->raws[sl->raw].open = false;
        sl->last_h = -1;    /* a closed fd's number is not a handle's */
    } else {
        r->last_closed = sl->h;
        sl->last_h = sl->h;
    }
    sl->kind = FZ_EMPTY;
}
