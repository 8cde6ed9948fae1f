/* ipc_pair(3) and ipc_pair_mem(3). */
#include "alloc.h"
#include "inject.h"
#include "support.h"

DS_TWIN(ipc_pair, success_connected_both_ways,
    "returns 0 and two handles to the opposite ends of one connection") {
    int s[2];
    DS_EXPECT_RC(ds_pair(mem, s), 0);
    cr_assert(s[0] >= 0 && s[1] >= 0 && s[0] != s[1], "FAIL: handles %d, %d", s[0], s[1]);
    char buf[3];
    DS_EXPECT_RC(bsend(s[0], "ABC", 3, now() + 1000), 0);
    DS_EXPECT_RC(brecv(s[1], buf, 3, now() + 1000), 0);
    cr_assert(memcmp(buf, "ABC", 3) == 0, "FAIL: bytes changed");
    DS_EXPECT_RC(bsend(s[1], "DEF", 3, now() + 1000), 0);
    DS_EXPECT_RC(brecv(s[0], buf, 3, now() + 1000), 0);
    cr_assert(memcmp(buf, "DEF", 3) == 0, "FAIL: bytes changed");
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TWIN(ipc_pair, ipc_close_handshake,
    "the sockets can be cleanly shut down using ipc_close") {
    int s[2];
    DS_SETUP(ds_pair(mem, s) == 0);
    DS_SETUP(ipc_done(s[1], now() + 1000) == 0);
    DS_EXPECT_RC(ipc_close(s[0], now() + 1000), 0);
    DS_SETUP(hclose(s[1]) == 0);
}

static int canceled_rc, canceled_errno;

static coroutine void pair_after_cancel(bool mem) {
    msleep(-1);
    int s[2];
    canceled_rc = ds_pair(mem, s);
    canceled_errno = errno;
    if(canceled_rc == 0)
        hclose(s[0]), hclose(s[1]);
}

DS_TWIN(ipc_pair, ECANCELED_after,
    "called in a coroutine already canceled: ECANCELED") {
    int cr = go(pair_after_cancel(mem));
    DS_SETUP(cr >= 0);
    DS_SETUP(hclose(cr) == 0);
    errno = canceled_errno;
    DS_EXPECT_ERR(canceled_rc, ECANCELED, PAIR_ERRS);
}

DS_TWIN(ipc_pair, EMFILE_rlimit,
    "no fd left in the process (RLIMIT_NOFILE): EMFILE") {
    ds_inject_emfile();
    int s[2];
    DS_EXPECT_ERR(ds_pair(mem, s), EMFILE, PAIR_ERRS);
}

DS_TWIN(ipc_pair, ENFILE_injected,
    "no fd left in the system (socketpair() fails ENFILE, injected): ENFILE") {
    ds_inject_syscall_errno(ENFILE, (const char *[]){"socketpair", NULL});
    int s[2];
    DS_EXPECT_ERR(ds_pair(mem, s), ENFILE, PAIR_ERRS);
}

DS_TWIN(ipc_pair, ENOMEM_injected,
    "not enough memory (socketpair() fails ENOMEM, injected): ENOMEM") {
    ds_inject_syscall_errno(ENOMEM, (const char *[]){"socketpair", NULL});
    int s[2];
    DS_EXPECT_ERR(ds_pair(mem, s), ENOMEM, PAIR_ERRS);
}

struct pair_st {
    bool mem;
    void *storage;
    int s[2];
};

static void pair_setup(void *p) {
    (void)p;
}

static int pair_call(void *p) {
    struct pair_st *s = p;
    return s->mem ? ipc_pair_mem(s->storage, s->s) : ipc_pair(s->s);
}

static void pair_undo(void *p, int rc) {
    struct pair_st *s = p;
    (void)rc;
    DS_SETUP(hclose(s->s[0]) == 0 && hclose(s->s[1]) == 0);
}

static void pair_failed(void *p) {
    (void)p;
}

DS_TWIN(ipc_pair, ENOMEM_allocation_loop,
    "not enough memory: with its 1st, 2nd, ... allocation failing (libfiu), the call gives -1/ENOMEM each time, leaking no fd or memory, until it succeeds; also while the handle table grows") {
    struct pair_st s = {.mem = mem,
        .storage = mem ? ds_guarded(sizeof(struct ipc_pair_storage)) : NULL};
    ds_alloc_loop(&(struct ds_alloc_case){PAIR_ERRS, pair_setup, pair_call,
        pair_undo, pair_failed}, &s);
}
