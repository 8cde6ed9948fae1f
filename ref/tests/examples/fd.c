/* The EXAMPLEs of fdin(3), fdout(3) and fdclean(3) on a pipe.  Changes:
 * use_the_pipe() and process_input() are defined here, the loops end. */
#undef NDEBUG /* the page checks with assert() */
#include <assert.h>
#include <fcntl.h>
#include <libdill.h>

#include "../smoke.h"

static void use_the_pipe(int fds[2]) {
    /* fdout(3) */
    int fd = fds[1];
    const char *buf = "hello";
    ssize_t len = 5;
    int result = fcntl(fd, F_SETFL, O_NONBLOCK);
    assert(result == 0);
    while(len) {
        result = fdout(fd, -1);
        assert(result == 0);
        ssize_t sent = write(fd, buf, len);
        assert(len > 0);
        buf += sent;
        len -= sent;
    }
    /* fdin(3) */
    fd = fds[0];
    result = fcntl(fd, F_SETFL, O_NONBLOCK);
    assert(result == 0);
    char got[5];
    size_t have = 0;
    while(have < 5) {
        result = fdin(fd, -1);
        assert(result == 0);
        char buf[1024];
        ssize_t len = read(fd, buf, sizeof(buf));
        assert(len > 0);
        memcpy(got + have, buf, (size_t)len);   /* process_input() */
        have += (size_t)len;
    }
    CHECK(memcmp(got, "hello", 5) == 0);
    CHECK(fdin(fd, 0) == -1 && errno == ETIMEDOUT);
}

int main(void) {
    /* fdclean(3) */
    int fds[2];
    CHECK(pipe(fds) == 0);
    use_the_pipe(fds);
    fdclean(fds[0]);
    close(fds[0]);
    fdclean(fds[1]);
    close(fds[1]);
    return 0;
}
