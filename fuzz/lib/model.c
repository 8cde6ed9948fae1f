/* The model: slots and the handles in them, operands resolved to handles,
 * connection endpoints, addresses and deadlines, and what closing an
 * object changes (see model.h). */
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

/******************************************************************************/
/*  Slots, handles and the model                                              */
/******************************************************************************/

int free_slot(struct run *r, uint8_t from) {
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
/* One bit per number.  The set only grows, as the target's table of
 * dangling numbers does (a long run makes thousands), and every operand
 * asks about it: a lookup must not grow with it. */
static uint64_t *poisoned;
static size_t poison_words;

void poison(int h) {
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

static bool resolve_number(struct run *r, uint8_t v, int *h, int *slot);

/* An operand's handle number and the slot that holds it (NONE: no live
 * object of this program).  False when the operand names nothing to try;
 * a poisoned number is skipped, and in a trace the skip is a step of its
 * own, so that the traces of two targets stay aligned. */
bool resolve(struct run *r, uint8_t v, int *h, int *slot) {
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

int new_ep(struct run *r) {
    if(r->neps == MAX_EPS)
        return NONE;
    int e = r->neps++;
    r->eps[e] = (struct ep){.peer = NONE, .open = true, .busy_cell = NONE};
    return e;
}

void set_slot(struct run *r, int s, enum kind kind, int h, void *mem) {
    struct slot *sl = &r->slots[s];
    int last = sl->last_h;
    *sl = (struct slot){.kind = kind, .h = h, .last_h = last, .ep = NONE,
        .addr = NONE, .cell = NONE, .mem = mem};
}

/* Whether bytes [from, from + len) of what `e` receives include one that
 * carries an fd: only ipc_recvfd may take such a byte (spec/ipc_sendfd.md:
 * "It must be matched to an ipc_sendfd at the same point of the byte
 * stream"), so the executor never lets a plain receive cross one. */
bool fd_ahead(const struct run *r, const struct ep *e, uint32_t from,
        size_t len) {
    if(e->peer == NONE)
        return false;
    const struct ep *p = &r->eps[e->peer];
    for(int i = 0; i < p->nfds; i++)
        if(p->fdpos[i] >= from && (len == SIZE_MAX || p->fdpos[i] - from < len))
            return true;
    return false;
}

FZ_EVERY_BYTE void fill_pattern(uint8_t *buf, size_t n, int ep, uint32_t pos) {
    for(size_t i = 0; i < n; i++)
        buf[i] = pattern(ep, pos + (uint32_t)i);
}

FZ_EVERY_BYTE size_t pattern_matches(const uint8_t *buf, size_t n, int ep,
        uint32_t pos) {
    size_t i = 0;
    while(i < n && buf[i] == pattern(ep, pos + (uint32_t)i))
        i++;
    return i;
}

FZ_EVERY_BYTE uint32_t fnv1a(uint32_t sum, const uint8_t *buf, size_t n) {
    for(size_t i = 0; i < n; i++)
        sum = (sum ^ buf[i]) * 16777619u;
    return sum;
}

/* Made once per address: every listen and connect names one. */
const char *addr_path(int a) {
    static char paths[FZ_NADDRS][96];
    const char *dir = fz_dir();   /* also marks the directory for cleaning */
    if(!paths[a][0])
        snprintf(paths[a], sizeof(paths[a]), "%s/a%d", dir, a);
    return paths[a];
}

int listener_on(struct run *r, int a) {
    for(int s = 0; s < FZ_NSLOTS; s++)
        if(r->slots[s].kind == LISTENER && r->slots[s].addr == a)
            return s;
    return NONE;
}

/* Each input starts with the directory empty (fz_clean_dir), and only a
 * bind puts a file in it: while the model holds, it knows the answer
 * without a system call (lstat was 4% of the handles harness). */
bool path_exists(const struct run *r, int a) {
    if(r->addrs[a] != ADDR_ASK && !r->lost)
        return r->addrs[a] == ADDR_BOUND;
    struct stat st;
    return lstat(addr_path(a), &st) == 0;
}

void bound(struct run *r, int a, bool ok) {
    if(ok)
        r->addrs[a] = ADDR_BOUND;
    else if(r->addrs[a] != ADDR_BOUND)
        r->addrs[a] = ADDR_ASK;
}

int64_t deadline(const struct run *r, enum fz_deadline dl, bool safe) {
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

/* The model after an object is gone, whatever closed it. */
void forget(struct run *r, int s) {
    struct slot *sl = &r->slots[s];
    if(sl->kind == CONN)
        r->eps[sl->ep].open = false;
    if(sl->kind == LISTENER && sl->addr != NONE)
        r->addrs[sl->addr] = ADDR_ASK;
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
void release_receiver(struct run *r, int s) {
    if(r->slots[s].kind != CONN)
        return;
    int c = r->eps[r->slots[s].ep].busy_cell;
    for(int i = 0; c != NONE && i < FZ_NSLOTS; i++)
        if(r->slots[i].kind == COROUTINE && r->slots[i].cell == c)
            close_coroutine(r, i);
}

void close_slot(struct run *r, int s) {
    if(r->slots[s].kind == COROUTINE) {
        close_coroutine(r, s);
        return;
    }
    release_receiver(r, s);
    int rc = hclose(r->slots[s].h);
    judge(r, FZ_HCLOSE, &MUST_SUCCEED("live"), rc, errno, false);
    forget(r, s);
}
