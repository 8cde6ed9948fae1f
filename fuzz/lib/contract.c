/* Each in-scope function's ERRORS table, as its man page gives it
 * (ipc_sendfd/ipc_recvfd: the project's own page, spec/ipc_sendfd.md). */
#include <errno.h>
#include <stdio.h>

#include "fuzz.h"

#define ERRS(...) (const int[]){__VA_ARGS__, 0}

static const struct {
    const char *name;
    const int *errors;
} contract[FZ_NFNS] = {
    [FZ_IPC_LISTEN] = {"ipc_listen", ERRS(EACCES, EADDRINUSE, EINVAL, ELOOP,
        EMFILE, ENAMETOOLONG, ENFILE, ENOENT, ENOMEM, ENOTDIR)},
    [FZ_IPC_ACCEPT] = {"ipc_accept", ERRS(EBADF, ECANCELED, EMFILE, ENFILE,
        ENOMEM, ENOTSUP, ETIMEDOUT)},
    [FZ_IPC_CONNECT] = {"ipc_connect", ERRS(EACCES, ECANCELED, ECONNREFUSED,
        ECONNRESET, EINVAL, ELOOP, EMFILE, ENAMETOOLONG, ENFILE, ENOENT,
        ENOMEM, ENOTDIR, ETIMEDOUT)},
    [FZ_IPC_PAIR] = {"ipc_pair", ERRS(ECANCELED, EMFILE, ENFILE, ENOMEM)},
    [FZ_IPC_FROMFD] = {"ipc_fromfd", ERRS(EMFILE, ENFILE, ENOMEM)},
    [FZ_IPC_LISTENER_FROMFD] = {"ipc_listener_fromfd",
        ERRS(EMFILE, ENFILE, ENOMEM)},
    [FZ_IPC_DONE] = {"ipc_done", ERRS(EBADF, ECANCELED, ENOTSUP, EPIPE,
        ETIMEDOUT)},
    [FZ_IPC_CLOSE] = {"ipc_close", ERRS(EBADF, ECANCELED, ECONNRESET, ENOTSUP,
        ETIMEDOUT)},
    [FZ_IPC_SENDFD] = {"ipc_sendfd", ERRS(EBADF, EBUSY, ECANCELED, ECONNRESET,
        EINVAL, ENOTSUP, EPIPE, ETIMEDOUT)},
    [FZ_IPC_RECVFD] = {"ipc_recvfd", ERRS(EBADF, EBUSY, ECANCELED, ECONNRESET,
        ENOTSUP, EPIPE, EPROTO, ETIMEDOUT)},
    [FZ_BSEND] = {"bsend", ERRS(EBADF, EBUSY, ECANCELED, ECONNRESET, EINVAL,
        ENOTSUP, EPIPE, ETIMEDOUT)},
    [FZ_BRECV] = {"brecv", ERRS(EBADF, EBUSY, ECANCELED, ECONNRESET, EINVAL,
        ENOTSUP, EPIPE, ETIMEDOUT)},
    [FZ_BSENDL] = {"bsendl", ERRS(EBADF, EBUSY, ECANCELED, ECONNRESET, EINVAL,
        ENOTSUP, EPIPE, ETIMEDOUT)},
    [FZ_BRECVL] = {"brecvl", ERRS(EBADF, EBUSY, ECANCELED, ECONNRESET, EINVAL,
        ENOTSUP, EPIPE, ETIMEDOUT)},
    [FZ_HCLOSE] = {"hclose", ERRS(EBADF, ENOTSUP)},
    [FZ_MSLEEP] = {"msleep", ERRS(ECANCELED)},
};

const char *fz_fn_name(enum fz_fn fn) {
    return contract[fn].name;
}

bool fz_documented(enum fz_fn fn, int err) {
    for(const int *e = contract[fn].errors; *e; e++)
        if(*e == err)
            return true;
    return false;
}

const char *fz_errname(int err) {
    switch(err) {
#define E(x) case x: return #x;
    E(EBADF) E(EBUSY) E(ECANCELED) E(ECONNRESET) E(EINVAL) E(ENOTSUP)
    E(EPIPE) E(ETIMEDOUT) E(EMFILE) E(ENFILE) E(ENOMEM) E(EACCES)
    E(EADDRINUSE) E(ELOOP) E(ENAMETOOLONG) E(ENOENT) E(ENOTDIR)
    E(ECONNREFUSED) E(EPROTO) E(EAGAIN) E(EINTR) E(ENOTSOCK) E(EPERM)
    E(EEXIST) E(EISDIR) E(ENOTCONN) E(EFAULT)
#undef E
    case 0: return "0";
    default: {
        static char buf[16];
        snprintf(buf, sizeof(buf), "E%d", err);
        return buf;
    }
    }
}

void fz_check_documented(enum fz_fn fn, int rc, int err) {
    if(rc == -1 && !fz_documented(fn, err)) {
        char key[96];
        snprintf(key, sizeof(key), "%s/undocumented/%s", fz_fn_name(fn),
            fz_errname(err));
        fz_finding(key, "failed with an errno its ERRORS table lacks");
    }
}
