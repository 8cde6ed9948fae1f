/* fd passing: ipc_sendfd and ipc_recvfd (spec/ipc_sendfd.md), judged for
 * what the page promises of the descriptors, not only of the calls: "the
 * caller keeps its own copy open" (after the call it is open, the same
 * object, with the same flags), any open fd can be sent (0 included), the
 * fd received is the object sent ("pass an open file descriptor to the
 * peer"), and the stream around the fd's byte is intact (its position is
 * in the model: plain receives never cross it, and the bytes on both sides
 * are checked as any others). */
#include <sys/resource.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libdill.h>

#include "model.h"

/* What a descriptor is: the object behind it and its flags. */
struct fd_state {
    bool open;
    dev_t dev;
    ino_t ino;
    int fd_flags, fl_flags;
};

static struct fd_state fd_state(int fd) {
    struct fd_state s = {false, 0, 0, -1, -1};
    struct stat st;
    s.fd_flags = fcntl(fd, F_GETFD);
    if(s.fd_flags < 0 || fstat(fd, &st) != 0)
        return s;
    s.open = true;
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.fl_flags = fcntl(fd, F_GETFL);
    return s;
}

/* The highest fd number FZ_FLAG_FD_HIGH may use. */
static int high_fd(void) {
    static int high = -1;
    struct rlimit rl;
    if(high < 0)
        high = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < FZ_HIGH_FD + 1
            ? (int)rl.rlim_cur - 1 : FZ_HIGH_FD;
    return high;
}

/* The descriptor an ipc_sendfd operation passes: a pipe's read end, moved
 * to fd 0 (whatever was there is put back afterwards) or to a high number
 * when the operation asks; -1 for FZ_FLAG_SKIP. */
struct passed {
    int fd, write_end;
    int saved0;          /* fd 0 as it was, while the pipe's end is there */
    bool zero;
};

static bool pass_prepare(struct passed *p, uint8_t flags) {
    int ends[2];
    *p = (struct passed){-1, -1, -1, false};
    if(flags & FZ_FLAG_SKIP)
        return true;
    if(pipe(ends) != 0)
        return false;
    p->fd = ends[0];
    p->write_end = ends[1];
    if(flags & FZ_FLAG_FD_ZERO) {
        p->saved0 = fcntl(0, F_DUPFD_CLOEXEC, 3);   /* -1 if 0 was closed */
        if(dup2(ends[0], 0) == 0) {
            close(ends[0]);
            p->fd = 0;
            p->zero = true;
        }
    } else if(flags & FZ_FLAG_FD_HIGH) {
        int high = fcntl(ends[0], F_DUPFD, high_fd());
        if(high >= 0) {
            close(ends[0]);
            p->fd = high;
        }
    }
    return true;
}

static void pass_undo(struct passed *p) {
    if(p->fd < 0)
        return;
    close(p->write_end);
    if(!p->zero) {
        close(p->fd);
        return;
    }
    if(p->saved0 >= 0) {
        dup2(p->saved0, 0);
        close(p->saved0);
    } else {
        close(0);
    }
}

/* The caller's descriptor after ipc_sendfd, whatever the call returned: a
 * finding in FZ_ORACLE mode, for a trace a mask of what changed. */
static uint32_t check_kept(struct fz_run *r, int fd, const struct fd_state *before) {
    struct fd_state after = fd_state(fd);
    uint32_t what = !after.open ? 1
        : after.dev != before->dev || after.ino != before->ino ? 2
        : after.fd_flags != before->fd_flags || after.fl_flags != before->fl_flags ? 4 : 0;
    if(what == 0 || r->mode != FZ_ORACLE)
        return what;
    if(what == 1)
        fz_call_finding(DC_IPC_SENDFD, "fd", "closed", "fd %d, which the caller keeps, "
            "is closed after the call", fd);
    if(what == 2)
        fz_call_finding(DC_IPC_SENDFD, "fd", "replaced", "fd %d is another object after "
            "the call", fd);
    fz_call_finding(DC_IPC_SENDFD, "fd", "changed", "fd %d's flags changed: F_GETFD "
        "%d -> %d, F_GETFL 0x%x -> 0x%x", fd, before->fd_flags, after.fd_flags,
        (unsigned)before->fl_flags, (unsigned)after.fl_flags);
    return what;
}

/* ipc_sendfd: one byte of the stream with the descriptor attached, EINVAL
 * for fd -1; otherwise as a 1-byte bsend. */
void fz_op_sendfd(struct fz_run *r, const struct fz_op *op) {
    int h;
    bool skip, bad_fd = (op->flags & FZ_FLAG_SKIP) != 0, safe = true;
    struct fz_expect x;
    struct fz_ep *e = fz_conn_operand(r, op->a, &h, &x, &skip);
    /* A coroutine blocked in brecv on the other end would take the byte. */
    if(skip || (e && (e->nfds == FZ_MAX_FDS ||
            (e->peer != FZ_NONE && r->eps[e->peer].busy_cell != FZ_NONE))))
        return;
    /* A target known to die of SIGPIPE here is spared the call (also where
     * a coroutine may have accepted the peer and closed it). */
    if(e && !bad_fd && (!fz_peer_alive(r, e) || e->accepting) &&
            fz_known("ipc_sendfd/peer-closed/crash")) {
        fz_skip_step(r);
        return;
    }
    if(e)
        x = bad_fd ? FZ_MUST_FAIL("bad-fd", EINVAL) : fz_send_expect(r, e, 1, &safe);
    /* A target that waits for room before it sends (libdill, whose wait
     * Linux ends only while under a quarter of the send buffer is in use:
     * ipc_sendfd/room/ETIMEDOUT) may wait for ever with bytes in flight
     * that nobody reads; one known to is never asked to wait without a
     * deadline then. */
    if(e && fz_inflight(r, e) > 0 && fz_known("ipc_sendfd/deadline-infinite/hang"))
        safe = false;
    struct passed p;
    if(!pass_prepare(&p, op->flags))
        return;
    struct fd_state before = fd_state(p.fd);
    int rc = ipc_sendfd(h, p.fd, fz_deadline(r, op->dl, safe));
    int err = errno;
    uint32_t kept = p.fd >= 0 ? check_kept(r, p.fd, &before) : 0;
    /* Any open fd may be sent: EINVAL is for a negative one, EBADF for a
     * bad handle (the page's ERRORS). */
    if(p.fd >= 0 && x.may_succeed && rc == -1 && (err == EINVAL || err == EBADF) &&
            r->mode == FZ_ORACLE && !r->lost)
        fz_call_finding(DC_IPC_SENDFD, "fd", "refused", "ipc_sendfd refused fd %d, "
            "an open pipe's read end, with %s", p.fd, dc_errname(err));
    bool ok = fz_judge(r, DC_IPC_SENDFD, &x, rc, err, false);
    if(r->step)
        r->step->sum = kept;
    pass_undo(&p);
    if(!e || bad_fd)
        return;
    if(ok)
        e->fds[e->nfds++] = (struct fz_sent_fd){e->sent, before.dev, before.ino};
    fz_account_send(e, ok, 1, true);
}

/* The descriptor ipc_recvfd returned must be open and the object sent at
 * this point of the stream: a finding in FZ_ORACLE mode, for a trace a
 * mask of what was wrong. */
static uint32_t check_received(struct fz_run *r, int fd, const struct fz_sent_fd *sent) {
    struct fd_state got = fd_state(fd);
    uint32_t what = !got.open ? 1
        : sent && (got.dev != sent->dev || got.ino != sent->ino) ? 2 : 0;
    if(what == 0 || r->mode != FZ_ORACLE || r->lost)
        return what;
    if(what == 1)
        fz_call_finding(DC_IPC_RECVFD, "fd", "not-open", "returned %d, not an open fd", fd);
    fz_call_finding(DC_IPC_RECVFD, "fd", "not-the-same", "returned fd %d, not the "
        "object sent at stream byte %u (inode %lu, not %lu)", fd, (unsigned)sent->pos,
        (unsigned long)got.ino, (unsigned long)sent->ino);
    return what;
}

/* ipc_recvfd: the fd sent at this point of the stream, EPROTO when the byte
 * here came without one; otherwise as a 1-byte brecv. */
void fz_op_recvfd(struct fz_run *r, const struct fz_op *op) {
    int h;
    bool skip, safe = true;
    struct fz_expect x;
    const struct fz_sent_fd *sent = NULL;
    struct fz_ep *e = fz_conn_operand(r, op->a, &h, &x, &skip);
    if(skip)
        return;
    if(e) {
        sent = fz_fd_ahead(r, e, e->rcvd, 1);
        x = fz_recv_expect(r, e, 1, &safe);
        if(x.may_succeed && !x.may_fail && !sent)
            x = FZ_MUST_FAIL("byte-without-fd", EPROTO);
    }
    /* A target known to hang here (its receive buffer took the byte and
     * dropped the fd) is never asked to wait without a deadline. */
    if(fz_known("ipc_recvfd/deadline-infinite/hang"))
        safe = false;
    int fd = ipc_recvfd(h, fz_deadline(r, op->dl, safe));
    int err = errno;
    if(fd == -1 && err == EPROTO && sent && !x.may_fail && r->mode == FZ_ORACLE && !r->lost)
        fz_call_finding(DC_IPC_RECVFD, "fd", "lost", "EPROTO at stream byte %u, "
            "which carries the fd sent there", (unsigned)sent->pos);
    bool ok = fz_judge(r, DC_IPC_RECVFD, &x, fd, err, true);
    if(ok) {
        uint32_t what = check_received(r, fd, sent);
        if(r->step)
            r->step->sum = what;
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
