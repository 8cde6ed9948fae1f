/* ipc_pair(3) and ipc_pair_mem(3): two connected ends made at once. */
#include <errno.h>

#include "ipc.h"
#include "libdill.h"
#include "runtime.h"

/* Both ends in the caller's storage, one after the other. */
struct dill_ipc_pair {
    struct dill_ipc_conn end[2];
};

_Static_assert(sizeof(struct dill_ipc_pair) <=
    sizeof(struct dill_ipc_pair_storage), "struct ipc_pair_storage too small");

/* Both ends non-blocking, so that each end's calls honour their deadlines. */
static int dill_ipc_pair_in(struct dill_ipc_pair *mem, int s[2]) {
    if(!s) {
        errno = EINVAL;
        return -1;
    }
    /* spine: ipc_pair/ECANCELED/after */
    /* spine: ipc_pair_mem/ECANCELED/after */
    if(dill_check_canceled() < 0)
        return -1;
    int fds[2];
    /* the kernel's EMFILE, ENFILE, ENOMEM; non-blocking ends (deadlines): */
    /* spine: ipc_pair/EMFILE/rlimit */
    /* spine: ipc_pair/ENFILE/injected */
    /* spine: ipc_pair/ENOMEM/injected */
    /* spine: ipc_pair/deadlines-end0-recv */
    /* spine: ipc_pair/deadlines-end0-send */
    /* spine: ipc_pair/deadlines-end1-recv */
    /* spine: ipc_pair/deadlines-end1-send */
    /* spine: ipc_pair_mem/EMFILE/rlimit */
    /* spine: ipc_pair_mem/ENFILE/injected */
    /* spine: ipc_pair_mem/ENOMEM/injected */
    /* spine: ipc_pair_mem/deadlines-end0-recv */
    /* spine: ipc_pair_mem/deadlines-end0-send */
    /* spine: ipc_pair_mem/deadlines-end1-recv */
    /* spine: ipc_pair_mem/deadlines-end1-send */
    if(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
          fds) < 0) {
        if(errno == ENOBUFS)
            errno = ENOMEM;
        return -1;
    }
    /* an end that cannot be made takes everything else with it: */
    /* spine: ipc_pair/ENOMEM/allocation-loop */
    /* spine: ipc_pair_mem/ENOMEM/allocation-loop */
    int h0 = dill_ipc_conn_make(fds[0], mem ? &mem->end[0] : NULL);
    int h1 = h0 < 0 ? -1 : dill_ipc_conn_make(fds[1], mem ? &mem->end[1] : NULL);
    if(h1 < 0) {
        int err = errno;
        if(h0 >= 0)
            dill_hclose(h0);    /* closes fds[0] */
        else
            dill_ipc_fd_close(fds[0]);
        dill_ipc_fd_close(fds[1]);
        errno = err;
        return -1;
    }
    /* Both ends are ours and stay in this thread (handles are
     * thread-local): each can wake the other's waiters directly. */
    struct dill_ipc_conn *c0 = dill_hquery(h0, &dill_ipc_conn_type);
    struct dill_ipc_conn *c1 = dill_hquery(h1, &dill_ipc_conn_type);
    c0->peer = c1;
    c1->peer = c0;
    s[0] = h0;
    s[1] = h1;
    return 0;
}

/* spine: ipc_pair/success-connected-both-ways */
int dill_ipc_pair(int s[2]) {
    return dill_ipc_pair_in(NULL, s);
}

/* spine: ipc_pair_mem/EINVAL/null-storage */
/* spine: ipc_pair_mem/success-connected-both-ways */
int dill_ipc_pair_mem(struct dill_ipc_pair_storage *mem, int s[2]) {
    if(!mem) {              /* ref/README reading 6 */
        errno = EINVAL;
        return -1;
    }
    return dill_ipc_pair_in((struct dill_ipc_pair *)mem, s);
}
