/* The recorder's wrappers of the system calls that make fds and files (see
 * recorder.c). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "recorder.h"

/* The wrappers replace the C library's for the program: exported. */
#pragma GCC visibility push(default)

/******************************************************************************/
/*  The system calls that make fds and files                                  */
/******************************************************************************/

int socket(int domain, int type, int protocol) {
    ENTER(socket);
    arg_int(&rec_, domain);
    arg_int(&rec_, type);
    arg_int(&rec_, protocol);
    RETURN(real_(domain, type, protocol));
}

int socketpair(int domain, int type, int protocol, int fds[2]) {
    ENTER(socketpair);
    arg_int(&rec_, domain);
    arg_int(&rec_, type);
    arg_int(&rec_, protocol);
    RETURN(real_(domain, type, protocol, fds), if(rc_ == 0) put(&rec_, "\t%d\t%d", fds[0], fds[1]));
}

int pipe(int fds[2]) {
    ENTER(pipe);
    RETURN(real_(fds), if(rc_ == 0) put(&rec_, "\t%d\t%d", fds[0], fds[1]));
}

int bind(int fd, const struct sockaddr *a, socklen_t len) {
    ENTER(bind);
    arg_int(&rec_, fd);
    arg_sockaddr(&rec_, a, len);
    RETURN(real_(fd, a, len));
}

int connect(int fd, const struct sockaddr *a, socklen_t len) {
    ENTER(connect);
    arg_int(&rec_, fd);
    arg_sockaddr(&rec_, a, len);
    RETURN(real_(fd, a, len));
}

int listen(int fd, int backlog) {
    ENTER(listen);
    arg_int(&rec_, fd);
    arg_int(&rec_, backlog);
    RETURN(real_(fd, backlog));
}

int shutdown(int fd, int how) {
    ENTER(shutdown);
    arg_int(&rec_, fd);
    arg_int(&rec_, how);
    RETURN(real_(fd, how));
}

int close(int fd) {
    ENTER(close);
    arg_int(&rec_, fd);
    RETURN(real_(fd));
}

int unlink(const char *path) {
    ENTER(unlink);
    arg_str(&rec_, path);
    RETURN(real_(path));
}

int mkdir(const char *path, mode_t mode) {
    ENTER(mkdir);
    arg_str(&rec_, path);
    arg_int(&rec_, (long)mode);
    RETURN(real_(path, mode));
}

int symlink(const char *target, const char *path) {
    ENTER(symlink);
    arg_str(&rec_, target);
    arg_str(&rec_, path);
    RETURN(real_(target, path));
}

/* A file opened for writing: the address harness's plain files (the
 * programs' reads of their inputs are not the program under test's). */
FILE *fopen(const char *path, const char *mode) {
    ENTER(fopen);
    rec_.on = rec_.on && mode && strchr(mode, 'w');
    arg_str(&rec_, path);
    started(&rec_);
    FILE *f = real_(path, mode);
    int err = errno;
    if(rec_.on) {
        ret(&rec_, f ? 0 : -1, err);
        flush(&rec_);
    }
    errno = err;
    return f;
}

#pragma GCC visibility pop
