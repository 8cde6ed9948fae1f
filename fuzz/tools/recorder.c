/*
 * recorder.c - a preloaded library (LD_PRELOAD) that writes down every
 * libdill call a harness program makes, and the system calls it makes
 * fds and files with, with their arguments and results, for
 * fuzz/tools/to_c.py.  Only the program's own calls are written (a call
 * whose return address is in the main executable), never the library's
 * calls of itself, so the harness must link libdill shared: a
 * DILLSPEC_TARGET=PREFIX build, ref installed into a prefix for one.
 *
 * Two lines a call, appended to DILLSPEC_FUZZ_RECORD, where lib/record.c
 * appends the executor's own lines (an operation starts, the model's
 * promise, a finding):
 *   call ID CTX FN ARG...      when it starts
 *   ret ID RC ERRNO [OUT...]   when it returns (another coroutine's calls
 *                              may come between)
 * CTX is "main" or cN, the coroutine of the Nth go(), whose stack the call
 * runs on (ref's go() prologue tells each coroutine's stack).  Arguments:
 * handles and fds as numbers, deadlines as "now+N" (or -1, 0), strings and
 * bytes as hex, iolists item by item, _mem storage as "mN" (one N a
 * distinct pointer).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <libdill.h>

#include "recorder.h"

/******************************************************************************/
/*  The line                                                                  */
/******************************************************************************/

void put(struct rec *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->line + r->at, sizeof(r->line) - r->at, fmt, ap);
    va_end(ap);
    if(n > 0)
        r->at = r->at + (size_t)n < sizeof(r->line) ? r->at + (size_t)n : sizeof(r->line) - 1;
}

static void hex(struct rec *r, const void *p, size_t n) {
    const unsigned char *b = p;
    put(r, "x");
    for(size_t i = 0; i < n && r->at + 3 < sizeof(r->line); i++)
        put(r, "%02x", b[i]);
}

/* The file, opened before main() so that the harness's fd counts include
 * it; lib/record.c writes through the same fd (DILLSPEC_FUZZ_RECORD_FD).
 * Only the process that started recording records: not the differential
 * harness's peer, which inherits the environment. */
static int out = -1;

__attribute__((constructor)) static void open_record(void) {
    const char *path = getenv("DILLSPEC_FUZZ_RECORD"), *pid = getenv("DILLSPEC_FUZZ_RECORD_PID");
    char me[32];
    snprintf(me, sizeof(me), "%d", (int)getpid());
    if(!path || !*path || (pid && strcmp(pid, me)))
        return;
    out = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    char fd[32];
    snprintf(fd, sizeof(fd), "%d", out);
    setenv("DILLSPEC_FUZZ_RECORD_PID", me, 1);
    setenv("DILLSPEC_FUZZ_RECORD_FD", fd, 1);
}

void flush(struct rec *r) {
    put(r, "\n");
    (void)!write(out, r->line, r->at);
    r->at = 0;
}

/******************************************************************************/
/*  Whose call, on which stack                                                */
/******************************************************************************/

/* The main program's loaded segments: a call from anywhere else is the
 * library's (or the C library's). */
static uintptr_t prog_lo, prog_hi;

static int first_object(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size, (void)arg;
    for(int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if(ph->p_type != PT_LOAD)
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
        prog_lo = !prog_lo || lo < prog_lo ? lo : prog_lo;
        prog_hi = hi > prog_hi ? hi : prog_hi;
    }
    return 1;   /* the first object is the program */
}

static bool from_program(void *ret) {
    if(!prog_hi)
        dl_iterate_phdr(first_object, NULL);
    return (uintptr_t)ret >= prog_lo && (uintptr_t)ret < prog_hi;
}

/* Coroutine stacks by their top, from the go() prologue: a frame belongs
 * to the coroutine whose stack top is the nearest above it. */
#define MAX_STACKS 256
static struct {
    uintptr_t top;
} stacks[MAX_STACKS];
static int nstacks;

int new_stack(void *top) {
    if(nstacks == MAX_STACKS)
        return -1;
    stacks[nstacks].top = (uintptr_t)top;
    return nstacks++;
}

static void context(struct rec *r, void *frame) {
    uintptr_t f = (uintptr_t)frame, best = UINTPTR_MAX;
    int h = -1;
    for(int i = nstacks - 1; i >= 0; i--)   /* the newest of a reused stack */
        if(stacks[i].top >= f && stacks[i].top - f < (64u << 20) && stacks[i].top < best) {
            best = stacks[i].top;
            h = i;
        }
    if(h < 0)
        put(r, "main");
    else
        put(r, "c%d", h);
}

void begin(struct rec *r, void *ret, void *frame, const char *fn) {
    static long calls;
    r->on = out >= 0 && from_program(ret);
    if(!r->on)
        return;
    r->id = ++calls;
    r->at = 0;
    put(r, "call\t%ld\t", r->id);
    context(r, frame);
    put(r, "\t%s", fn);
}

/* The call's arguments are written; now it runs. */
void started(struct rec *r) {
    if(r->on)
        flush(r);
}

void ret(struct rec *r, long rc, int err) {
    put(r, "ret\t%ld\t%ld\t%d", r->id, rc, rc == -1 ? err : 0);
}

/******************************************************************************/
/*  Arguments                                                                 */
/******************************************************************************/

void arg_int(struct rec *r, long v) {
    if(r->on)
        put(r, "\t%ld", v);
}

void arg_deadline(struct rec *r, int64_t dl) {
    if(!r->on)
        return;
    if(dl == -1 || dl == 0)
        put(r, "\t%lld", (long long)dl);
    else
        put(r, "\tnow%+lld", (long long)(dl - dill_now()));
}

void arg_str(struct rec *r, const char *s) {
    if(!r->on)
        return;
    put(r, "\t");
    if(s)
        hex(r, s, strlen(s));
    else
        put(r, "NULL");
}

/* Distinct _mem storage pointers, in order of first use. */
void arg_mem(struct rec *r, const void *p) {
    static const void *seen[1024];
    static int nseen;
    if(!r->on)
        return;
    if(!p) {
        put(r, "\tNULL");
        return;
    }
    int i = 0;
    while(i < nseen && seen[i] != p)
        i++;
    if(i == nseen && nseen < 1024)
        seen[nseen++] = p;
    put(r, "\tm%d", i);
}

void arg_bytes(struct rec *r, const void *buf, size_t len) {
    if(!r->on)
        return;
    put(r, "\t");
    if(buf)
        hex(r, buf, len < 16384 ? len : 16384);
    else
        put(r, "NULL");
}

/* A list item by item from `first`, loop-safe, `last` after the walk when
 * the walk does not reach it: each item as BASE:LEN:NEXT:RSVD, BASE its
 * bytes when sending, B (a buffer) or N (NULL); NEXT an item's index, N
 * (NULL) or X (an item not recorded); then which items first and last are
 * (an index, N or X). */
#define MAX_ITEMS 64
static int walk(struct iolist *first, struct iolist **items) {
    int n = 0;
    for(struct iolist *it = first; it && n < MAX_ITEMS; it = it->iol_next) {
        for(int k = 0; k < n; k++)
            if(items[k] == it)
                return n;
        items[n++] = it;
    }
    return n;
}

static int index_of(struct iolist **items, int n, const struct iolist *it) {
    for(int k = 0; k < n; k++)
        if(items[k] == it)
            return k;
    return -1;
}

void arg_iolist(struct rec *r, struct iolist *first, struct iolist *last, bool sending) {
    if(!r->on)
        return;
    struct iolist *items[MAX_ITEMS + 1];
    int n = walk(first, items);
    if(last && index_of(items, n, last) < 0)
        items[n++] = last;
    put(r, "\t");
    for(int i = 0; i < n; i++) {
        const struct iolist *it = items[i];
        if(!it->iol_base)
            put(r, "N");
        else if(sending)
            hex(r, it->iol_base, it->iol_len < 4096 ? it->iol_len : 4096);
        else
            put(r, "B");
        int next = index_of(items, n, it->iol_next);
        put(r, ":%zu:", it->iol_len);
        if(!it->iol_next)
            put(r, "N");
        else if(next >= 0)
            put(r, "%d", next);
        else
            put(r, "X");
        put(r, ":%d%s", it->iol_rsvd, i + 1 < n ? "," : "");
    }
    int f = index_of(items, n, first), l = index_of(items, n, last);
    put(r, "\t");
    put(r, first ? (f >= 0 ? "%d" : "X") : "N", f);
    put(r, "\t");
    put(r, last ? (l >= 0 ? "%d" : "X") : "N", l);
}

/* FNV-1a of what a receive wrote, for the program's check. */
uint32_t fnv(uint32_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for(size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

uint32_t list_sum(struct iolist *first, struct iolist *last) {
    uint32_t h = 2166136261u;
    struct iolist *items[MAX_ITEMS];
    int n = walk(first, items);
    for(int i = 0; i < n; i++) {
        if(items[i]->iol_base)
            h = fnv(h, items[i]->iol_base, items[i]->iol_len);
        if(items[i] == last)
            break;
    }
    return h;
}

void arg_sockaddr(struct rec *r, const struct sockaddr *a, socklen_t len) {
    const struct sockaddr_un *sun = (const struct sockaddr_un *)a;
    if(!r->on)
        return;
    put(r, "\t");
    if(a && a->sa_family == AF_UNIX)
        hex(r, sun->sun_path, strnlen(sun->sun_path, sizeof(sun->sun_path)));
    else
        put(r, "?");
    put(r, "\t%ld", (long)len);
}
