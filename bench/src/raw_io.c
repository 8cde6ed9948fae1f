#include "raw_io.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pattern.h"

void cursor_start(struct msg_cursor *c, void *base, size_t size, int pieces) {
    for(int k = 0; k != pieces; ++k) {
        c->iov[k].iov_base = (char *)base + piece_offset(size, pieces, k);
        c->iov[k].iov_len = piece_length(size, pieces, k);
    }
    c->cur = c->iov;
    c->cnt = pieces;
    c->rest = size;
}

static void cursor_advance(struct msg_cursor *c, size_t n) {
    c->rest -= n;
    while(c->cnt && n >= c->cur->iov_len) {
        n -= c->cur->iov_len;
        ++c->cur;
        --c->cnt;
    }
    if(c->cnt) {
        c->cur->iov_base = (char *)c->cur->iov_base + n;
        c->cur->iov_len -= n;
    }
}

static ssize_t cursor_io(int fd, struct msg_cursor *c, int sending) {
    struct msghdr hdr = {.msg_iov = c->cur, .msg_iovlen = (size_t)c->cnt};
    ssize_t n;
    do n = sending ? sendmsg(fd, &hdr, MSG_NOSIGNAL) : recvmsg(fd, &hdr, 0);
    while(n < 0 && errno == EINTR);
    if(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if(n < 0) return -1;
    if(n == 0 && c->rest) { errno = ECONNRESET; return -1; }  /* early EOF */
    cursor_advance(c, (size_t)n);
    return n;
}

ssize_t cursor_send(int fd, struct msg_cursor *c) { return cursor_io(fd, c, 1); }
ssize_t cursor_recv(int fd, struct msg_cursor *c) { return cursor_io(fd, c, 0); }

static int cursor_finish(int fd, struct msg_cursor *c, int sending) {
    while(c->rest) {
        ssize_t n = cursor_io(fd, c, sending);
        if(n < 0) return -1;
        if(n == 0) { errno = ETIMEDOUT; return -1; }  /* SO_*TIMEO expired */
    }
    return 0;
}

int raw_send_msg(int fd, const void *base, size_t size, int pieces) {
    struct msg_cursor c;
    cursor_start(&c, (void *)base, size, pieces);
    return cursor_finish(fd, &c, 1);
}

int raw_recv_msg(int fd, void *base, size_t size, int pieces) {
    struct msg_cursor c;
    cursor_start(&c, base, size, pieces);
    return cursor_finish(fd, &c, 0);
}

static int unix_address(struct sockaddr_un *sun, const char *path) {
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if(strlen(path) >= sizeof sun->sun_path) { errno = ENAMETOOLONG; return -1; }
    strcpy(sun->sun_path, path);
    return 0;
}

static int unix_socket(int nonblocking) {
    return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
}

int raw_listen(const char *path, int nonblocking) {
    struct sockaddr_un sun;
    if(unix_address(&sun, path) < 0) return -1;
    int fd = unix_socket(nonblocking);
    if(fd < 0) return -1;
    if(bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0 || listen(fd, 64) < 0) {
        int err = errno; close(fd); errno = err;
        return -1;
    }
    return fd;
}

int raw_connect(const char *path, int nonblocking) {
    struct sockaddr_un sun;
    if(unix_address(&sun, path) < 0) return -1;
    int fd = unix_socket(nonblocking);
    if(fd < 0) return -1;
    if(connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
        int err = errno; close(fd); errno = err;
        return -1;
    }
    return fd;
}

int raw_set_timeouts(int fd, int seconds) {
    struct timeval tv = {.tv_sec = seconds};
    if(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) return -1;
    return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

