/* The recorder's wrappers of libdill's functions (see recorder.c). */
#define _GNU_SOURCE
#include <setjmp.h>

#include "recorder.h"

/* The wrappers replace libdill's for the program: exported. */
#pragma GCC visibility push(default)

/******************************************************************************/
/*  libdill                                                                   */
/******************************************************************************/

int dill_ipc_listen(const char *addr, int backlog) {
    ENTER(dill_ipc_listen);
    arg_str(&rec_, addr);
    arg_int(&rec_, backlog);
    RETURN(real_(addr, backlog));
}

int dill_ipc_listen_mem(const char *addr, int backlog, struct dill_ipc_listener_storage *mem) {
    ENTER(dill_ipc_listen_mem);
    arg_str(&rec_, addr);
    arg_int(&rec_, backlog);
    arg_mem(&rec_, mem);
    RETURN(real_(addr, backlog, mem));
}

int dill_ipc_accept(int s, int64_t deadline) {
    ENTER(dill_ipc_accept);
    arg_int(&rec_, s);
    arg_deadline(&rec_, deadline);
    RETURN(real_(s, deadline));
}

int dill_ipc_accept_mem(int s, struct dill_ipc_storage *mem, int64_t deadline) {
    ENTER(dill_ipc_accept_mem);
    arg_int(&rec_, s);
    arg_mem(&rec_, mem);
    arg_deadline(&rec_, deadline);
    RETURN(real_(s, mem, deadline));
}

int dill_ipc_connect(const char *addr, int64_t deadline) {
    ENTER(dill_ipc_connect);
    arg_str(&rec_, addr);
    arg_deadline(&rec_, deadline);
    RETURN(real_(addr, deadline));
}

int dill_ipc_connect_mem(const char *addr, struct dill_ipc_storage *mem, int64_t deadline) {
    ENTER(dill_ipc_connect_mem);
    arg_str(&rec_, addr);
    arg_mem(&rec_, mem);
    arg_deadline(&rec_, deadline);
    RETURN(real_(addr, mem, deadline));
}

int dill_ipc_fromfd(int fd) {
    ENTER(dill_ipc_fromfd);
    arg_int(&rec_, fd);
    RETURN(real_(fd));
}

int dill_ipc_fromfd_mem(int fd, struct dill_ipc_storage *mem) {
    ENTER(dill_ipc_fromfd_mem);
    arg_int(&rec_, fd);
    arg_mem(&rec_, mem);
    RETURN(real_(fd, mem));
}

int dill_ipc_listener_fromfd(int fd) {
    ENTER(dill_ipc_listener_fromfd);
    arg_int(&rec_, fd);
    RETURN(real_(fd));
}

int dill_ipc_listener_fromfd_mem(int fd, struct dill_ipc_listener_storage *mem) {
    ENTER(dill_ipc_listener_fromfd_mem);
    arg_int(&rec_, fd);
    arg_mem(&rec_, mem);
    RETURN(real_(fd, mem));
}

int dill_ipc_pair(int s[2]) {
    ENTER(dill_ipc_pair);
    RETURN(real_(s), if(rc_ == 0) put(&rec_, "\t%d\t%d", s[0], s[1]));
}

int dill_ipc_pair_mem(struct dill_ipc_pair_storage *mem, int s[2]) {
    ENTER(dill_ipc_pair_mem);
    arg_mem(&rec_, mem);
    RETURN(real_(mem, s), if(rc_ == 0) put(&rec_, "\t%d\t%d", s[0], s[1]));
}

int dill_ipc_done(int s, int64_t deadline) {
    ENTER(dill_ipc_done);
    arg_int(&rec_, s);
    arg_deadline(&rec_, deadline);
    RETURN(real_(s, deadline));
}

int dill_ipc_close(int s, int64_t deadline) {
    ENTER(dill_ipc_close);
    arg_int(&rec_, s);
    arg_deadline(&rec_, deadline);
    RETURN(real_(s, deadline));
}

int dill_ipc_sendfd(int s, int fd, int64_t deadline) {
    ENTER(dill_ipc_sendfd);
    arg_int(&rec_, s);
    arg_int(&rec_, fd);
    arg_deadline(&rec_, deadline);
    RETURN(real_(s, fd, deadline));
}

int dill_ipc_recvfd(int s, int64_t deadline) {
    ENTER(dill_ipc_recvfd);
    arg_int(&rec_, s);
    arg_deadline(&rec_, deadline);
    RETURN(real_(s, deadline));
}

int dill_bsend(int s, const void *buf, size_t len, int64_t deadline) {
    ENTER(dill_bsend);
    arg_int(&rec_, s);
    arg_bytes(&rec_, buf, len);
    arg_int(&rec_, (long)len);
    arg_deadline(&rec_, deadline);
    RETURN(real_(s, buf, len, deadline));
}

int dill_brecv(int s, void *buf, size_t len, int64_t deadline) {
    ENTER(dill_brecv);
    arg_int(&rec_, s);
    if(rec_.on)
        put(&rec_, "\t%s", buf ? "B" : "NULL");
    arg_int(&rec_, (long)len);
    arg_deadline(&rec_, deadline);
    RETURN(real_(s, buf, len, deadline),
        if(rc_ == 0 && buf) put(&rec_, "\t%u", fnv(2166136261u, buf, len)));
}

int dill_bsendl(int s, struct iolist *first, struct iolist *last, int64_t deadline) {
    ENTER(dill_bsendl);
    arg_int(&rec_, s);
    arg_iolist(&rec_, first, last, true);
    arg_deadline(&rec_, deadline);
    RETURN(real_(s, first, last, deadline));
}

int dill_brecvl(int s, struct iolist *first, struct iolist *last, int64_t deadline) {
    ENTER(dill_brecvl);
    arg_int(&rec_, s);
    arg_iolist(&rec_, first, last, false);
    arg_deadline(&rec_, deadline);
    RETURN(real_(s, first, last, deadline),
        if(rc_ == 0) put(&rec_, "\t%u", list_sum(first, last)));
}

int dill_hclose(int h) {
    ENTER(dill_hclose);
    arg_int(&rec_, h);
    RETURN(real_(h));
}

int dill_hown(int h) {
    ENTER(dill_hown);
    arg_int(&rec_, h);
    RETURN(real_(h));
}

int dill_msleep(int64_t deadline) {
    ENTER(dill_msleep);
    arg_deadline(&rec_, deadline);
    RETURN(real_(deadline));
}

int dill_yield(void) {
    ENTER(dill_yield);
    RETURN(real_());
}

int dill_bundle(void) {
    ENTER(dill_bundle);
    RETURN(real_());
}

int dill_bundle_wait(int b, int64_t deadline) {
    ENTER(dill_bundle_wait);
    arg_int(&rec_, b);
    arg_deadline(&rec_, deadline);
    RETURN(real_(b, deadline));
}

int dill_fdin(int fd, int64_t deadline) {
    ENTER(dill_fdin);
    arg_int(&rec_, fd);
    arg_deadline(&rec_, deadline);
    RETURN(real_(fd, deadline));
}

int dill_fdout(int fd, int64_t deadline) {
    ENTER(dill_fdout);
    arg_int(&rec_, fd);
    arg_deadline(&rec_, deadline);
    RETURN(real_(fd, deadline));
}

int dill_fdclean(int fd) {
    ENTER(dill_fdclean);
    arg_int(&rec_, fd);
    RETURN(real_(fd));
}

/* A go() prologue returned `h` and the new coroutine's stack top: the
 * calls the coroutine makes are known as its own by that stack ("go"
 * records the coroutine's number, cN, then the bundle it went into, -1
 * for a new one, and the length of the caller's stack memory, 0 for
 * none: go, go_mem, bundle_go, bundle_go_mem).  The prologue itself runs
 * nothing. */
static int coroutine_made(struct rec *r, int h, void *top, int bndl, size_t memlen) {
    int err = errno;
    int k = h >= 0 ? new_stack(top) : -1;
    if(r->on) {
        put(r, "\tc%d\t%d\t%zu", k, bndl, memlen);
        started(r);
        ret(r, h, err);
        flush(r);
    }
    errno = err;
    return h;
}

/* ref's go(). */
int dill_go_prologue(void **ctx, void **sp, void *mem, size_t memlen, int bndl,
        int new_bundle) {
    ENTER(dill_go_prologue);
    int h = real_(ctx, sp, mem, memlen, bndl, new_bundle);
    return coroutine_made(&rec_, h, *sp, new_bundle ? -1 : bndl, mem ? memlen : 0);
}

/* libdill's go(), when a target is recorded in place of ref: *ptr is the
 * caller's memory (go_mem), or NULL, on the way in. */
int dill_prologue(sigjmp_buf **ctx, void **ptr, size_t len, int bndl, const char *file, int line);
int dill_prologue(sigjmp_buf **ctx, void **ptr, size_t len, int bndl, const char *file,
        int line) {
    ENTER(dill_prologue);
    size_t memlen = *ptr ? len : 0;
    int h = real_(ctx, ptr, len, bndl, file, line);
    return coroutine_made(&rec_, h, *ptr, bndl, memlen);
}

#pragma GCC visibility pop
