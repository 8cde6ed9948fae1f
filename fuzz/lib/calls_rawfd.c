/* fds the program owns (not handles): socketpairs it makes and writes to
 * itself, and fdin(3), fdout(3) and fdclean(3) on them, in the main
 * coroutine or in others.  What the model knows of such an fd is model.c's
 * (fz_raw_readable, fz_raw_writable); closing one is calls_close.c's, which
 * first closes the coroutines that wait on it.  Each clause is named beside
 * the code. */
#include <sys/socket.h>
#include <unistd.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libdill.h>

#include "model.h"

/* socketpair(2) into two slots from a; the program's, not the target's. */
void fz_op_rawfd(struct fz_run *r, const struct fz_op *op) {
    int s0 = fz_free_slot(r, op->a);
    if(s0 == FZ_NONE)
        return;
    r->slots[s0].kind = FZ_RAW;           /* reserve it while looking */
    int s1 = fz_free_slot(r, op->a);
    r->slots[s0].kind = FZ_EMPTY;
    int fds[2];
    if(s1 == FZ_NONE ||
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
        return;
    int k = fz_new_raw_pair(r, fds);
    if(k == FZ_NONE) {
        close(fds[0]);
        close(fds[1]);
        return;
    }
    fz_set_slot(r, s0, FZ_RAW, fds[0], NULL);
    fz_set_slot(r, s1, FZ_RAW, fds[1], NULL);
    r->slots[s0].raw = k;
    r->slots[s1].raw = k + 1;
}

/* Reads and drops what waits at end k: its other end is writable again. */
static void drain(struct fz_run *r, int k) {
    static char buf[4096];
    while(recv(r->raws[k].fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
        ;
    struct fz_raw *w = &r->raws[k], *p = &r->raws[w->peer];
    w->unread = 0;
    p->writes = 0;
    p->full = false;
    fz_cells_unsure(r, FZ_BODY_FDIN, k);
    if(p->open)
        fz_cells_event(r, FZ_BODY_FDOUT, w->peer);
}

/* Sends `len` bytes from end k (3584: until it is full). */
static void feed(struct fz_run *r, int k, size_t len) {
    static const char buf[4096];
    struct fz_raw *w = &r->raws[k], *p = &r->raws[w->peer];
    if(!p->open)
        return;
    bool fill = len == 3584;
    size_t sent = 0;
    while(fill || sent < len) {
        size_t n = fill || len - sent > sizeof(buf) ? sizeof(buf) : len - sent;
        ssize_t rc = send(w->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
        if(rc <= 0) {
            w->full = rc < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
            break;
        }
        sent += (size_t)rc;
    }
    w->writes++;
    p->unread += (uint32_t)sent;
    if(sent > 0)
        fz_cells_event(r, FZ_BODY_FDIN, w->peer);
    if(w->full)
        fz_cells_unsure(r, FZ_BODY_FDOUT, k);
}

void fz_op_rawio(struct fz_run *r, const struct fz_op *op) {
    int fd, k;
    if(!fz_resolve_fd(r, op->a, &fd, &k) || k == FZ_NONE)
        return;
    if(op->flags & FZ_FLAG_SKIP)
        drain(r, k);
    else
        feed(r, k, op->len);
}

/* fdin(3)/fdout(3): 0 when the fd is readable/writable "or in an error
 * state", ETIMEDOUT at the deadline, EBUSY while another coroutine waits
 * on the same fd and side, EBADF for what is no fd. */
void fz_op_fdwait(struct fz_run *r, const struct fz_op *op, bool out) {
    int fd, k;
    if(!fz_resolve_fd(r, op->a, &fd, &k))
        return;
    enum dc_fn fn = out ? DC_FDOUT : DC_FDIN;
    if(op->flags & FZ_FLAG_GO) {
        int c = r->mode == FZ_ORACLE ? fz_new_cell(r, out ? FZ_BODY_FDOUT : FZ_BODY_FDIN, fn)
                                     : FZ_NONE;
        if(c == FZ_NONE)
            return;
        r->cells[c].h = fd;
        r->cells[c].on = k;
        r->cells[c].bad_err = k == FZ_NONE ? EBADF : 0;
        r->cells[c].deadline = fz_deadline_in(r, op->dl, true, fz_delay_ms(op->len));
        r->call.set = false;
        fz_go_cell(r, op, c);
        return;
    }
    struct fz_expect x;
    bool safe = true;
    int busy = k == FZ_NONE ? 0 : fz_raw_busy(r, k, out, FZ_NONE);
    if(k == FZ_NONE) {
        x = FZ_MUST_FAIL("bad-fd", EBADF);
    } else if(busy == 1) {
        x = FZ_MUST_FAIL("busy", EBUSY);
    } else {
        int ready = out ? fz_raw_writable(r, k) : fz_raw_readable(r, k);
        safe = ready == 1 && busy == 0;
        x = busy < 0 ? (ready == 0 ? FZ_MUST_FAIL("maybe-busy", EBUSY, ETIMEDOUT)
                                   : FZ_EITHER("maybe-busy", EBUSY, ETIMEDOUT))
          : ready == 1 ? FZ_MUST_SUCCEED("ready")
          : ready == 0 ? FZ_MUST_FAIL("not-ready", ETIMEDOUT)
          : FZ_EITHER("maybe-ready", ETIMEDOUT);
    }
    int64_t d = fz_deadline_in(r, op->dl, safe, fz_delay_ms(op->len));
    int rc = out ? fdout(fd, d) : fdin(fd, d);
    fz_judge(r, fn, &x, rc, errno, false);
}

void fz_op_fdclean(struct fz_run *r, const struct fz_op *op) {
    int fd, k;
    if(!fz_resolve_fd(r, op->a, &fd, &k) || k == FZ_NONE)
        return;   /* fdclean of what is no fd has no meaning in the page */
    if(op->flags & FZ_FLAG_SKIP) {
        fz_release_raw(r, k);
        fdclean(fd);
    } else {
        fz_raw_close(r, op->a % FZ_NSLOTS);
    }
}
