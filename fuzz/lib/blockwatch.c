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

/* Whether a call on `fd` with `flags` may sleep in the kernel. */
static bool may_block(int fd, int flags) {
    if(!armed || (flags & MSG_DONTWAIT))
        return false;
    long fl = syscall(SYS_fcntl, fd, F_GETFL);
    return fl >= 0 && !(fl & O_NONBLOCK);
}

/* The outcome of a call made with MSG_DONTWAIT in place of sleeping. */
static ssize_t noted(const char *call, int fd, ssize_t rc) {
    if(rc < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !blocked_in) {
        blocked_in = call;
        blocked_fd = fd;
    }
    return rc;
}

ssize_t recv(int fd, void *buf, size_t n, int flags) {
    if(may_block(fd, flags))
        return noted("recv", fd,
            syscall(SYS_recvfrom, fd, buf, n, flags | MSG_DONTWAIT, NULL, NULL));
    return syscall(SYS_recvfrom, fd, buf, n, flags, NULL, NULL);
}

ssize_t recvmsg(int fd, struct msghdr *m, int flags) {
    if(may_block(fd, flags))
        return noted("recvmsg", fd, syscall(SYS_recvmsg, fd, m, flags | MSG_DONTWAIT));
    return syscall(SYS_recvmsg, fd, m, flags);
}

ssize_t send(int fd, const void *buf, size_t n, int flags) {
    if(may_block(fd, flags))
        return noted("send", fd,
            syscall(SYS_sendto, fd, buf, n, flags | MSG_DONTWAIT, NULL, 0));
    return syscall(SYS_sendto, fd, buf, n, flags, NULL, 0);
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags) {
    if(may_block(fd, flags))
        return noted("sendmsg", fd, syscall(SYS_sendmsg, fd, m, flags | MSG_DONTWAIT));
    return syscall(SYS_sendmsg, fd, m, flags);
}

/* accept has no MSG_DONTWAIT: a look first, which nothing can change
 * before the accept (the thread is this program's only one). */
int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    if(may_block(fd, 0)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        static const struct timespec zero;
        if(syscall(SYS_ppoll, &p, 1, &zero, NULL, 0) == 0) {
            errno = EAGAIN;
            return (int)noted("accept", fd, -1);
        }
    }
    return (int)syscall(SYS_accept4, fd, addr, len, flags);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, 0);
}
