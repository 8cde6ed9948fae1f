/* Calls that would block the thread on a socket left blocking (see
 * blockwatch.h).  The real calls are made with syscall(2), as vtime.c's:
 * these definitions replace libc's, and a sanitizer's interceptors of the
 * same names would otherwise be what the next definition finds. */
/* Not _GNU_SOURCE: that gives accept's address a transparent union type,
 * which a definition cannot repeat; accept4 is declared here instead. */
#define _DEFAULT_SOURCE
#undef _FORTIFY_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "blockwatch.h"

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

static bool armed;
static const char *blocked_in;
static int blocked_fd;

void fz_bw_arm(bool on) {
    armed = on;
}

const char *fz_bw_take(int *fd) {
    const char *call = blocked_in;
    *fd = blocked_fd;
    blocked_in = NULL;
    return call;
}

/* Whether fd is a socket in blocking mode. */
static bool blocking(int fd) {
    long fl = syscall(SYS_fcntl, fd, F_GETFL);
    return fl >= 0 && !(fl & O_NONBLOCK);
}

/* The flags to make a call with: armed, never one that sleeps.  On a
 * non-blocking socket MSG_DONTWAIT changes nothing, so the mode is looked
 * at only when the call found nothing to do (noted), not before every
 * call. */
static int flags_for(int flags) {
    return armed ? flags | MSG_DONTWAIT : flags;
}

/* The outcome of a call made with MSG_DONTWAIT: EAGAIN on a blocking
 * socket, where the caller did not ask for MSG_DONTWAIT, is where it would
 * have slept. */
static ssize_t noted(const char *call, int fd, int flags, ssize_t rc) {
    int err = errno;
    if(armed && rc < 0 && (err == EAGAIN || err == EWOULDBLOCK) && !(flags & MSG_DONTWAIT) &&
            !blocked_in && blocking(fd)) {
        blocked_in = call;
        blocked_fd = fd;
    }
    errno = err;
    return rc;
}

ssize_t recv(int fd, void *buf, size_t n, int flags) {
    return noted("recv", fd, flags,
        syscall(SYS_recvfrom, fd, buf, n, flags_for(flags), NULL, NULL));
}

ssize_t recvmsg(int fd, struct msghdr *m, int flags) {
    return noted("recvmsg", fd, flags, syscall(SYS_recvmsg, fd, m, flags_for(flags)));
}

ssize_t send(int fd, const void *buf, size_t n, int flags) {
    return noted("send", fd, flags,
        syscall(SYS_sendto, fd, buf, n, flags_for(flags), NULL, 0));
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags) {
    return noted("sendmsg", fd, flags, syscall(SYS_sendmsg, fd, m, flags_for(flags)));
}

/* accept has no MSG_DONTWAIT: a look first, which nothing can change
 * before the accept (the thread is this program's only one). */
int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    if(armed && blocking(fd)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        static const struct timespec zero;
        if(syscall(SYS_ppoll, &p, 1, &zero, NULL, 0) == 0) {
            errno = EAGAIN;
            return (int)noted("accept", fd, 0, -1);
        }
    }
    return (int)syscall(SYS_accept4, fd, addr, len, flags);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, 0);
}
