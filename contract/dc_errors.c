/* The ERRORS table of every in-scope page, as the page gives it (see
 * dc_errors.h).  Pages that list the same errnos share one array; which
 * page lists which errno is checked by dillspec-contract-check. */
#include <errno.h>
#include <string.h>

#include "dc_errors.h"

#define ERRS(...) (const int[]){__VA_ARGS__, 0}

/* The bytestream pages (bsend, brecv, bsendl, brecvl) list the same. */
static const int bytestream[] = {EBADF, EBUSY, ECANCELED, ECONNRESET, EINVAL,
    ENOTSUP, EPIPE, ETIMEDOUT, 0};
/* Constructors that make one object and no wait. */
static const int fd_or_memory[] = {EMFILE, ENFILE, ENOMEM, 0};
static const int cancel_fd_or_memory[] = {ECANCELED, EMFILE, ENFILE, ENOMEM, 0};
static const int listen_errs[] = {EACCES, EADDRINUSE, EINVAL, ELOOP, EMFILE,
    ENAMETOOLONG, ENFILE, ENOENT, ENOMEM, ENOTDIR, 0};
static const int accept_errs[] = {EBADF, ECANCELED, EMFILE, ENFILE, ENOMEM,
    ENOTSUP, ETIMEDOUT, 0};
static const int connect_errs[] = {EACCES, ECANCELED, ECONNREFUSED,
    ECONNRESET, EINVAL, ELOOP, EMFILE, ENAMETOOLONG, ENFILE, ENOENT, ENOMEM,
    ENOTDIR, ETIMEDOUT, 0};
static const int fd_wait[] = {EBADF, EBUSY, ECANCELED, ETIMEDOUT, 0};
static const int none[] = {0};

static const struct {
    const char *name, *page;
    const int *errors;
} contract[DC_NFNS] = {
    [DC_IPC_LISTEN] = {"ipc_listen", "ipc_listen.txt", listen_errs},
    [DC_IPC_LISTEN_MEM] = {"ipc_listen_mem", "ipc_listen_mem.txt", listen_errs},
    [DC_IPC_ACCEPT] = {"ipc_accept", "ipc_accept.txt", accept_errs},
    [DC_IPC_ACCEPT_MEM] = {"ipc_accept_mem", "ipc_accept_mem.txt", accept_errs},
    [DC_IPC_CONNECT] = {"ipc_connect", "ipc_connect.txt", connect_errs},
    [DC_IPC_CONNECT_MEM] = {"ipc_connect_mem", "ipc_connect_mem.txt", connect_errs},
    [DC_IPC_PAIR] = {"ipc_pair", "ipc_pair.txt", cancel_fd_or_memory},
    [DC_IPC_PAIR_MEM] = {"ipc_pair_mem", "ipc_pair_mem.txt", cancel_fd_or_memory},
    [DC_IPC_FROMFD] = {"ipc_fromfd", "ipc_fromfd.txt", fd_or_memory},
    [DC_IPC_FROMFD_MEM] = {"ipc_fromfd_mem", "ipc_fromfd_mem.txt", fd_or_memory},
    [DC_IPC_LISTENER_FROMFD] = {"ipc_listener_fromfd",
        "ipc_listener_fromfd.txt", fd_or_memory},
    [DC_IPC_LISTENER_FROMFD_MEM] = {"ipc_listener_fromfd_mem",
        "ipc_listener_fromfd_mem.txt", fd_or_memory},
    [DC_IPC_DONE] = {"ipc_done", "ipc_done.txt",
        ERRS(EBADF, ECANCELED, ENOTSUP, EPIPE, ETIMEDOUT)},
    [DC_IPC_CLOSE] = {"ipc_close", "ipc_close.txt",
        ERRS(EBADF, ECANCELED, ECONNRESET, ENOTSUP, ETIMEDOUT)},
    /* ipc_sendfd.md: "Errors follow the bytestream functions: EBADF ...,
     * EINVAL (`fd` negative), ...; `ipc_recvfd` fails with EPROTO": EINVAL
     * is ipc_sendfd's alone (the fd argument), EPROTO ipc_recvfd's. */
    [DC_IPC_SENDFD] = {"ipc_sendfd", "ipc_sendfd.md", ERRS(EBADF, ENOTSUP,
        EINVAL, EBUSY, EPIPE, ECONNRESET, ECANCELED, ETIMEDOUT)},
    [DC_IPC_RECVFD] = {"ipc_recvfd", "ipc_sendfd.md", ERRS(EBADF, ENOTSUP,
        EBUSY, EPIPE, ECONNRESET, ECANCELED, ETIMEDOUT, EPROTO)},
    [DC_BSEND] = {"bsend", "bsend.txt", bytestream},
    [DC_BRECV] = {"brecv", "brecv.txt", bytestream},
    [DC_BSENDL] = {"bsendl", "bsendl.txt", bytestream},
    [DC_BRECVL] = {"brecvl", "brecvl.txt", bytestream},
    [DC_HCLOSE] = {"hclose", "hclose.txt", ERRS(EBADF, ENOTSUP)},
    [DC_HOWN] = {"hown", "hown.txt", ERRS(EBADF, EMFILE, ENFILE, ENOMEM)},
    [DC_NOW] = {"now", "now.txt", none},
    [DC_GO] = {"go", "go.txt", cancel_fd_or_memory},
    [DC_GO_MEM] = {"go_mem", "go_mem.txt", cancel_fd_or_memory},
    [DC_BUNDLE] = {"bundle", "bundle.txt", fd_or_memory},
    [DC_BUNDLE_MEM] = {"bundle_mem", "bundle_mem.txt", fd_or_memory},
    [DC_BUNDLE_GO] = {"bundle_go", "bundle_go.txt",
        ERRS(EBADF, ECANCELED, ENOMEM, ENOTSUP)},
    [DC_BUNDLE_GO_MEM] = {"bundle_go_mem", "bundle_go_mem.txt",
        ERRS(EBADF, ECANCELED, ENOTSUP)},
    [DC_BUNDLE_WAIT] = {"bundle_wait", "bundle_wait.txt",
        ERRS(EBADF, ECANCELED, ENOTSUP, ETIMEDOUT)},
    [DC_MSLEEP] = {"msleep", "msleep.txt", ERRS(ECANCELED)},
    [DC_YIELD] = {"yield", "yield.txt", ERRS(ECANCELED)},
    [DC_FDIN] = {"fdin", "fdin.txt", fd_wait},
    [DC_FDOUT] = {"fdout", "fdout.txt", fd_wait},
    [DC_FDCLEAN] = {"fdclean", "fdclean.txt", none},
};

const char *dc_fn_name(enum dc_fn fn) {
    return contract[fn].name;
}

const char *dc_fn_page(enum dc_fn fn) {
    return contract[fn].page;
}

const int *dc_errors(enum dc_fn fn) {
    return contract[fn].errors;
}

const int *dc_page_errors(enum dc_fn fn) {
    static int merged[DC_NFNS][16];
    int *out = merged[fn], n = 0;
    if(out[0])
        return out;
    for(int g = 0; g < DC_NFNS; g++) {
        if(strcmp(contract[g].page, contract[fn].page) != 0)
            continue;
        for(const int *e = contract[g].errors; *e; e++) {
            bool seen = false;
            for(int i = 0; i < n; i++)
                seen |= out[i] == *e;
            if(!seen && n < 15)
                out[n++] = *e;
        }
    }
    return out;
}

bool dc_documented(enum dc_fn fn, int err) {
    for(const int *e = contract[fn].errors; *e; e++)
        if(*e == err)
            return true;
    return false;
}

int dc_fn_by_name(const char *name) {
    for(int fn = 0; fn < DC_NFNS; fn++)
        if(strcmp(contract[fn].name, name) == 0)
            return fn;
    return -1;
}
