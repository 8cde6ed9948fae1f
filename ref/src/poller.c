/* The poller: epoll, edge-triggered, and who waits for which fd.
 *
 * Every wait here follows a non-blocking call that found the fd not ready
 * (EAGAIN, or a short transfer: see sockio.c), and nothing polls between
 * that call and the wait, so an edge-triggered registration cannot miss the
 * event that ends the wait.  The exception is a receiver between ipc_pair
 * ends whose queue is known to be empty (rxbuf.h): whatever ends its wait,
 * the other end in this thread reports directly (dill_fd_notify).
 * fdin(3)/fdout(3) wait on arbitrary fds without a prior call, so they ask
 * poll() first.
 *
 * An fd is registered only for the directions someone has waited for: a
 * socket that is only read from must not wake the scheduler each time its
 * peer frees buffer space (EPOLLOUT), nor a sender each time its own data
 * is consumed.  A direction is added once, on its first wait, and kept:
 * EPOLL_CTL_MOD re-checks readiness, so nothing is lost by adding late. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "libdill.h"
#include "poller.h"
#include "runtime.h"
#include "thread.h"

struct dill_fdinfo {
    /* Coroutines waiting, by enum dill_direction, linked by fd_next.  Not a
     * struct dill_list: this array moves when it grows. */
    struct dill_cr *waiters[2];
    uint32_t events;            /* registered in the epoll set; 0: not */
};

struct dill_poller {
    int epfd;                   /* -1 until first needed */
    struct dill_fdinfo *fds;
    int nfds;
    int waiting;                /* coroutines in dill_fd_wait() */
};

static _Thread_local struct dill_poller poller = {-1, NULL, 0, 0};

/* At thread exit: the epoll fd and the table. */
static void dill_poller_free(void) {
    if(poller.epfd >= 0)
        close(poller.epfd);
    free(poller.fds);
    poller = (struct dill_poller){-1, NULL, 0, 0};
}

int dill_fd_track(int fd) {
    if(fd < 0) {
        errno = EBADF;
        return -1;
    }
    if(fd < poller.nfds)
        return 0;
    int n = poller.nfds ? poller.nfds : 64;
    while(n <= fd)
        n *= 2;
    if(dill_thread_register(dill_poller_free) < 0)
        return -1;
    struct dill_fdinfo *fds = realloc(poller.fds, sizeof(*fds) * (size_t)n);
    if(!fds) {
        errno = ENOMEM;
        return -1;
    }
    memset(fds + poller.nfds, 0, sizeof(*fds) * (size_t)(n - poller.nfds));
    poller.fds = fds;
    poller.nfds = n;
    return 0;
}

/* Makes sure the epoll set reports `dir` on `fd`.  Errors and hang-ups
 * are always reported, whatever the mask. */
static void dill_poll(int timeout_ms);

static int dill_fd_register(int fd, struct dill_fdinfo *info,
      enum dill_direction dir) {
    uint32_t want = info->events | EPOLLET |
        (dir == DILL_IN ? EPOLLIN | EPOLLRDHUP : EPOLLOUT);
    if(want == info->events)
        return 0;
    if(poller.epfd < 0) {
        poller.epfd = epoll_create1(EPOLL_CLOEXEC);
        if(poller.epfd < 0)
            return -1;
        /* from now on the scheduler waits here, fd events and all */
        dill_sched_wait_with(dill_poll);
    }
    struct epoll_event ev = {.events = want, .data.fd = fd};
    /* ADD where we think it is new, MOD where we think it is there; the
     * other on EEXIST/ENOENT (an fd closed and reopened without fdclean). */
    int op = info->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if(epoll_ctl(poller.epfd, op, fd, &ev) != 0) {
        int other = op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        if(errno != (op == EPOLL_CTL_ADD ? EEXIST : ENOENT) ||
           epoll_ctl(poller.epfd, other, fd, &ev) != 0)
            return -1;
    }
    info->events = want;
    return 0;
}

/* Unlinks `cr` from the fd's waiters if an event has not done so. */
static void dill_fd_unwait(int fd, enum dill_direction dir,
      struct dill_cr *cr) {
    if(fd >= poller.nfds)
        return;     /* fdclean() dropped the table while we slept */
    for(struct dill_cr **p = &poller.fds[fd].waiters[dir]; *p;
          p = &(*p)->fd_next) {
        if(*p == cr) {
            *p = cr->fd_next;
            return;
        }
    }
}

/* Wakes every waiter of one direction to retry its call.  Each stays on
 * the list until it has run (dill_fd_unwait), so that fdclean() can still
 * reach one that was woken but has not resumed yet. */
static void dill_fd_wake(struct dill_fdinfo *info, enum dill_direction dir) {
    for(struct dill_cr *cr = info->waiters[dir]; cr; cr = cr->fd_next)
        dill_wake(cr, 0);
}

/* Reading 14: the object behind the fd is being closed.  Every waiter of
 * one direction, woken already or not, fails with EBADF and must not touch
 * the object again. */
static void dill_fd_evict_info(struct dill_fdinfo *info,
      enum dill_direction dir) {
    for(struct dill_cr *cr = info->waiters[dir]; cr; cr = cr->fd_next)
        dill_evict(cr);
}

void dill_fd_evict(int fd, enum dill_direction dir) {
    if(fd >= 0 && fd < poller.nfds)
        dill_fd_evict_info(&poller.fds[fd], dir);
}

int dill_fd_wait(int fd, enum dill_direction dir, int64_t deadline) {
    if(dill_fd_track(fd) < 0)
        return -1;
    struct dill_fdinfo *info = &poller.fds[fd];
    /* spine: fdin/ECANCELED/after */
    /* spine: fdin/ECANCELED/blocked */
    /* spine: fdin/ECANCELED/repeated */
    /* spine: fdout/ECANCELED/after */
    /* spine: fdout/ECANCELED/blocked */
    /* spine: fdout/ECANCELED/repeated */
    if(dill_check_canceled() < 0)
        return -1;
    /* a socket that cannot do it now, deadline 0 (or past, reading 1): */
    /* spine: brecv/ETIMEDOUT/deadline-0 */
    /* spine: brecvl/ETIMEDOUT/deadline-0 */
    /* spine: bsend/ETIMEDOUT/deadline-0 */
    /* spine: bsendl/ETIMEDOUT/deadline-0 */
    /* spine: ipc_accept/ETIMEDOUT/deadline-0 */
    /* spine: ipc_accept_mem/ETIMEDOUT/deadline-0 */
    /* spine: ipc_recvfd/ETIMEDOUT/deadline-0 */
    /* spine: fdin/ETIMEDOUT/deadline-0 */
    /* spine: fdin/ETIMEDOUT/past-deadline */
    /* spine: fdin/deadline-0-ready */
    /* spine: fdout/ETIMEDOUT/deadline-0 */
    /* spine: fdout/ETIMEDOUT/past-deadline */
    /* spine: fdout/deadline-0-ready */
    if(dill_deadline_immediate(deadline)) {
        errno = ETIMEDOUT;
        return -1;
    }
    if(dill_fd_register(fd, info, dir) < 0)
        return -1;
    struct dill_cr *self = dill_self();
    self->fd_next = info->waiters[dir];
    info->waiters[dir] = self;
    poller.waiting++;
    /* spine: brecv/deadline-infinite-waits-for-peer */
    /* spine: brecvl/deadline-infinite-waits-for-peer */
    /* spine: bsend/deadline-infinite-waits-for-peer */
    /* spine: bsendl/deadline-infinite-waits-for-peer */
    /* spine: fdin/ETIMEDOUT/timed */
    /* spine: fdin/deadline-infinite-waits */
    /* spine: fdout/ETIMEDOUT/timed */
    /* spine: fdout/deadline-infinite-waits */
    int rc = dill_block(deadline, true);
    poller.waiting--;
    /* a wait that ended, however, leaves nothing of itself (libdill #71): */
    /* spine: fdin/ETIMEDOUT/fd-still-waitable */
    /* spine: fdout/ETIMEDOUT/fd-still-waitable */
    dill_fd_unwait(fd, dir, self);
    return rc;
}

bool dill_fd_watched(int fd, enum dill_direction dir) {
    return fd >= 0 && fd < poller.nfds &&
        (poller.fds[fd].events & (dir == DILL_IN ? EPOLLIN : EPOLLOUT));
}

void dill_fd_notify(int fd, enum dill_direction dir) {
    if(fd >= 0 && fd < poller.nfds)
        dill_fd_wake(&poller.fds[fd], dir);
}

/* The scheduler's wait once this thread watches an fd (runtime.h). */
static void dill_poll(int timeout_ms) {
    /* A look that may not sleep can only wake fd waiters: without any, it
     * would be a syscall for nothing (the scheduler looks often). */
    if(timeout_ms == 0 && poller.waiting == 0)
        return;
    if(poller.epfd < 0) {
        /* Nothing can ever wake us but a timer. */
        if(timeout_ms >= 0)
            poll(NULL, 0, timeout_ms);
        else
            pause();
        return;
    }
    struct epoll_event evs[64];
    int n = epoll_wait(poller.epfd, evs, 64, timeout_ms);
    for(int i = 0; i < n; i++) {
        int fd = evs[i].data.fd;
        if(fd >= poller.nfds)
            continue;
        struct dill_fdinfo *info = &poller.fds[fd];
        /* Errors and hang-ups wake both directions: the retried call will
         * report them. */
        uint32_t e = evs[i].events;
        if(e & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))
            dill_fd_wake(info, DILL_IN);
        if(e & (EPOLLOUT | EPOLLERR | EPOLLHUP))
            dill_fd_wake(info, DILL_OUT);
    }
}

/* fdin(3)/fdout(3): wait until `fd` is readable/writable or in an error
 * state; both count as success. */
static int dill_fd_ready(int fd, enum dill_direction dir, int64_t deadline) {
    /* spine: fdin/EBADF/minus-one */
    /* spine: fdin/EBADF/closed-fd */
    /* spine: fdin/EBADF/out-of-range */
    /* spine: fdout/EBADF/minus-one */
    /* spine: fdout/EBADF/closed-fd */
    /* spine: fdout/EBADF/out-of-range */
    if(fd < 0 || fcntl(fd, F_GETFD) < 0) {
        errno = EBADF;       /* "Not a file descriptor." */
        return -1;
    }
    if(dill_check_canceled() < 0)
        return -1;
    if(dill_fd_track(fd) < 0)
        return -1;
    /* spine: fdin/EBUSY/two-coroutines */
    /* spine: fdout/EBUSY/two-coroutines */
    /* spine: fdin/EBUSY/not-across-directions */
    if(poller.fds[fd].waiters[dir]) {
        errno = EBUSY;       /* "Another coroutine already blocked on ..." */
        return -1;
    }
    struct pollfd p = {.fd = fd, .events = dir == DILL_IN ? POLLIN : POLLOUT};
    for(;;) {
        /* spine: fdin/ready */
        /* spine: fdout/ready */
        /* spine: fdin/error-state-succeeds */
        /* spine: fdout/error-state-succeeds */
        /* spine: fdin/regular-file */
        /* spine: fdout/regular-file */
        if(poll(&p, 1, 0) == 1)
            return 0;
        if(dill_fd_wait(fd, dir, deadline) < 0)
            return -1;
    }
}

int dill_fdin(int fd, int64_t deadline) {
    return dill_fd_ready(fd, DILL_IN, deadline);
}

int dill_fdout(int fd, int64_t deadline) {
    return dill_fd_ready(fd, DILL_OUT, deadline);
}

/* fdclean(3): "drops any state that libdill associates with a file
 * descriptor.  It has to be called before the file descriptor is closed."
 * Returns int 0 (ref/README reading 12).  Closing a socket another
 * coroutine waits on comes through here: that call fails with EBADF
 * (reading 14). */
int dill_fdclean(int fd) {
    if(fd < 0 || fd >= poller.nfds)
        return 0;
    struct dill_fdinfo *info = &poller.fds[fd];
    /* nothing of the old fd reaches one given its number (libdill #129, #236): */
    /* spine: fdclean/reused-number-after-timeout */
    /* spine: fdclean/reused-number-after-wait */
    /* spine: fdclean/reused-number-both-directions */
    /* spine: hclose/fd-number-reused */
    /* spine: hclose/fd-number-reused-after-waiter */
    if(info->events)
        epoll_ctl(poller.epfd, EPOLL_CTL_DEL, fd, NULL);
    /* spine: hclose/while-another-receives */
    /* spine: hclose/while-another-sends */
    /* Anyone still waiting would wait forever, and on an object that is
     * being closed: they fail with EBADF, even those woken already. */
    /* spine: hclose/listener-while-another-accepts */
    dill_fd_evict_info(info, DILL_IN);
    dill_fd_evict_info(info, DILL_OUT);
    /* only ref's state goes; the fd is the caller's: */
    /* spine: fdclean/fd-stays-open */
    /* spine: fdclean/unknown-fd */
    memset(info, 0, sizeof(*info));
    return 0;
}
