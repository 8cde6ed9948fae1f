/* ipc_accept(3) and ipc_accept_mem(3). */
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "alloc.h"
#include "inject.h"
#include "bytestream.h"

static int listener(void) {
    int ls = ipc_listen(ds_path("a.ipc"), 10);
    DS_SETUP(ls >= 0);
    return ls;
}

static int connect_client(void) {
    int c = ipc_connect(ds_path("a.ipc"), now() + 1000);
    DS_SETUP(c >= 0);
    return c;
}

/* "In case of success the function returns handle of the new connection",
 * and the connection carries bytes both ways. */
DS_TWIN(ipc_accept, success_connection_works,
    "returns a handle of a new connection that carries bytes both ways") {
    int ls = listener(), c = connect_client();
    int s = ds_accept(mem, ls, now() + 1000);
    DS_EXPECT_HANDLE(s);
    char buf[3];
    DS_EXPECT_RC(bsend(c, "ABC", 3, now() + 1000), 0);
    DS_EXPECT_RC(brecv(s, buf, 3, now() + 1000), 0);
    cr_assert(memcmp(buf, "ABC", 3) == 0, "FAIL: bytes changed");
    DS_EXPECT_RC(bsend(s, "DEF", 3, now() + 1000), 0);
    DS_EXPECT_RC(brecv(c, buf, 3, now() + 1000), 0);
    cr_assert(memcmp(buf, "DEF", 3) == 0, "FAIL: bytes changed");
    DS_SETUP(hclose(s) == 0 && hclose(c) == 0 && hclose(ls) == 0);
}

DS_TWIN(ipc_accept, EBADF_minus_one,
    "s = -1 is an invalid handle: EBADF") {
    DS_EXPECT_ERR(ds_accept(mem, -1, 0), EBADF, ACCEPT_ERRS);
}

DS_TWIN(ipc_accept, EBADF_out_of_range,
    "s = 2^30, never issued, is an invalid handle: EBADF") {
    DS_EXPECT_ERR(ds_accept(mem, 1 << 30, 0), EBADF, ACCEPT_ERRS);
}

DS_TWIN(ipc_accept, EBADF_closed_handle,
    "a just-closed handle is invalid: EBADF") {
    DS_EXPECT_ERR(ds_accept(mem, ds_closed_handle(), 0), EBADF, ACCEPT_ERRS);
}

DS_TWIN(ipc_accept, ENOTSUP_connection,
    "a connection handle does not support accept: ENOTSUP") {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_EXPECT_ERR(ds_accept(mem, s[0], 0), ENOTSUP, ACCEPT_ERRS);
    DS_SETUP(hclose(s[0]) == 0 && hclose(s[1]) == 0);
}

DS_TWIN(ipc_accept, ENOTSUP_bundle,
    "a bundle handle does not support accept: ENOTSUP") {
    int b = ds_bundle_handle();
    DS_EXPECT_ERR(ds_accept(mem, b, 0), ENOTSUP, ACCEPT_ERRS);
    DS_SETUP(hclose(b) == 0);
}

DS_TWIN(ipc_accept, ENOTSUP_coroutine,
    "a coroutine handle does not support accept: ENOTSUP") {
    int h = ds_coroutine_handle();
    DS_EXPECT_ERR(ds_accept(mem, h, 0), ENOTSUP, ACCEPT_ERRS);
    DS_SETUP(hclose(h) == 0);
}

/* "0 means immediate timeout ... return without blocking if not." */
DS_TWIN(ipc_accept, ETIMEDOUT_deadline_0,
    "deadline 0 with no client: ETIMEDOUT without blocking") {
    int ls = listener();
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(ds_accept(mem, ls, 0), ETIMEDOUT, ACCEPT_ERRS);
    DS_EXPECT_FAST(t0);
    DS_SETUP(hclose(ls) == 0);
}

/* Deadline 0 still performs the operation when it can. */
DS_TWIN(ipc_accept, deadline_0_accepts_waiting_client,
    "deadline 0 still accepts a client that is already waiting") {
    int ls = listener(), c = connect_client();
    int s = ds_accept(mem, ls, 0);
    DS_EXPECT_HANDLE(s);
    DS_SETUP(hclose(s) == 0 && hclose(c) == 0 && hclose(ls) == 0);
}

DS_TWIN(ipc_accept, ETIMEDOUT_timed,
    "a timed deadline with no client: ETIMEDOUT, neither early nor much late") {
    int ls = listener();
    int64_t t0 = ds_ms(), dl = now() + 100;
    DS_EXPECT_ERR(ds_accept(mem, ls, dl), ETIMEDOUT, ACCEPT_ERRS);
    DS_EXPECT_EXPIRY(t0, dl, 100);
    DS_SETUP(hclose(ls) == 0);
}

DS_TWIN(ipc_accept, ETIMEDOUT_past_deadline,
    "a deadline already past acts like 0: ETIMEDOUT without blocking") {
    int ls = listener();
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(ds_accept(mem, ls, now() - 1000), ETIMEDOUT, ACCEPT_ERRS);
    DS_EXPECT_FAST(t0);
    DS_SETUP(hclose(ls) == 0);
}

static coroutine void connect_later(int ms) {
    msleep(now() + ms);
    ds_event_happens();
    int c = ipc_connect(ds_path("a.ipc"), now() + 1000);
    msleep(now() + 1000);
    if(c >= 0)
        hclose(c);
}

/* "-1 means no deadline, i.e., the call will block forever if the
 * operation cannot be performed": it returns when a client comes, not
 * before. */
DS_TWIN(ipc_accept, deadline_infinite_waits_for_client,
    "deadline -1 blocks until a client connects, and not less") {
    int ls = listener();
    ds_event_reset();
    int cr = go(connect_later(100));
    DS_SETUP(cr >= 0);
    int64_t t0 = ds_ms();
    int s = ds_accept(mem, ls, -1);
    DS_EXPECT_HANDLE(s);
    DS_EXPECT_AFTER_EVENT(t0, "the client connected at 100 ms");
    DS_SETUP(hclose(s) == 0 && hclose(cr) == 0 && hclose(ls) == 0);
}

static int canceled_rc, canceled_errno;

static coroutine void accept_in_coroutine(int ls, bool mem) {
    canceled_rc = ds_accept(mem, ls, -1);
    canceled_errno = errno;
}

/* "ECANCELED: Current coroutine was canceled" - while blocked in the call. */
DS_TWIN(ipc_accept, ECANCELED_blocked,
    "blocked in the call when its coroutine is closed: ECANCELED") {
    int ls = listener();
    int cr = go(accept_in_coroutine(ls, mem));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    DS_SETUP(hclose(cr) == 0);
    errno = canceled_errno;
    DS_EXPECT_ERR(canceled_rc, ECANCELED, ACCEPT_ERRS);
    DS_SETUP(hclose(ls) == 0);
}

static coroutine void accept_after_cancel(int ls, bool mem) {
    msleep(-1);     /* canceled here; the accept below runs canceled */
    canceled_rc = ds_accept(mem, ls, 0);
    canceled_errno = errno;
}

/* ... and called after the coroutine was canceled. */
DS_TWIN(ipc_accept, ECANCELED_after,
    "called in a coroutine already canceled: ECANCELED") {
    int ls = listener(), c = connect_client();
    int cr = go(accept_after_cancel(ls, mem));
    DS_SETUP(cr >= 0);
    DS_SETUP(hclose(cr) == 0);
    errno = canceled_errno;
    DS_EXPECT_ERR(canceled_rc, ECANCELED, ACCEPT_ERRS);
    DS_SETUP(hclose(c) == 0 && hclose(ls) == 0);
}

DS_TWIN(ipc_accept, EMFILE_rlimit,
    "no fd left in the process (RLIMIT_NOFILE): EMFILE") {
    int ls = listener(), c = connect_client();
    ds_inject_emfile();
    DS_EXPECT_ERR(ds_accept(mem, ls, now() + 1000), EMFILE, ACCEPT_ERRS);
    DS_SETUP(hclose(c) == 0 && hclose(ls) == 0);
}

DS_TWIN(ipc_accept, ENFILE_injected,
    "no fd left in the system (accept fails ENFILE, injected): ENFILE") {
    int ls = listener(), c = connect_client();
    ds_inject_syscall_errno(ENFILE, (const char *[]){"accept", "accept4", NULL});
    DS_EXPECT_ERR(ds_accept(mem, ls, now() + 1000), ENFILE, ACCEPT_ERRS);
    DS_SETUP(hclose(c) == 0 && hclose(ls) == 0);
}

DS_TWIN(ipc_accept, ENOMEM_injected,
    "not enough memory (accept fails ENOMEM, injected): ENOMEM") {
    int ls = listener(), c = connect_client();
    ds_inject_syscall_errno(ENOMEM, (const char *[]){"accept", "accept4", NULL});
    DS_EXPECT_ERR(ds_accept(mem, ls, now() + 1000), ENOMEM, ACCEPT_ERRS);
    DS_SETUP(hclose(c) == 0 && hclose(ls) == 0);
}

/* A raw client per call.  A call that failed before accept(2) leaves its
 * connection queued; the next accept takes it, and failures are drained. */
struct accept_st {
    bool mem;
    void *storage;
    int ls, cli;
    int64_t deadline;
};

static void accept_setup(void *p) {
    struct accept_st *s = p;
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    strcpy(sun.sun_path, ds_path("a.ipc"));
    s->cli = socket(AF_UNIX, SOCK_STREAM, 0);
    DS_SETUP(s->cli >= 0);
    DS_SETUP(connect(s->cli, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    s->deadline = now() + 1000;
}

static int accept_call(void *p) {
    struct accept_st *s = p;
    return s->mem ? ipc_accept_mem(s->ls, s->storage, s->deadline)
                  : ipc_accept(s->ls, s->deadline);
}

static void accept_undo(void *p, int h) {
    struct accept_st *s = p;
    DS_SETUP(hclose(h) == 0);
    close(s->cli);
}

static void accept_failed(void *p) {
    struct accept_st *s = p;
    close(s->cli);
    int h;
    while((h = ipc_accept(s->ls, 0)) >= 0)
        DS_SETUP(hclose(h) == 0);
}

DS_TWIN(ipc_accept, ENOMEM_allocation_loop,
    "not enough memory: with its 1st, 2nd, ... allocation failing (libfiu), the call gives -1/ENOMEM each time, leaking no fd or memory, until it succeeds; also while the handle table grows") {
    struct accept_st s = {.mem = mem, .ls = listener(),
        .storage = mem ? ds_guarded(sizeof(struct ipc_storage)) : NULL};
    ds_alloc_loop(&(struct ds_alloc_case){ACCEPT_ERRS, accept_setup,
        accept_call, accept_undo, accept_failed}, &s);
    DS_SETUP(hclose(s.ls) == 0);
}

DS_TWIN(ipc_accept, deadlines_send,
    "the accepted socket sends with deadline 0 (ETIMEDOUT at once), 100 ms (ETIMEDOUT on time) and -1 (waits for the peer)") {
    ds_check_endpoint_deadlines(DS_ACCEPTED, mem, true);
}

DS_TWIN(ipc_accept, deadlines_recv,
    "the accepted socket receives with deadline 0 (ETIMEDOUT at once), 100 ms (ETIMEDOUT on time) and -1 (waits for the peer)") {
    ds_check_endpoint_deadlines(DS_ACCEPTED, mem, false);
}

DS_TEST(ipc_accept_mem, EINVAL_null_storage,
    "NULL storage: EINVAL (reading 6: the table lacks it), no crash, no fd, no handle; the waiting client is not taken") {
    int cli, srv;
    int ls = ds_listener_with_client("n.ipc", &cli, &srv);
    DS_SETUP(hclose(srv) == 0 && hclose(cli) == 0);
    cli = ipc_connect(ds_path("n.ipc"), now() + 1000);
    DS_SETUP(cli >= 0);
    DS_EXPECT_ERR(ipc_accept_mem(ls, NULL, now() + 1000), EINVAL, ACCEPT_ERRS);
    srv = ipc_accept(ls, now() + 1000);
    cr_assert(srv >= 0, "FAIL: after the NULL-storage call the waiting client was gone "
        "(errno %s)", ds_errname(errno));
    ds_expect_usable(cli, srv);
    DS_SETUP(hclose(srv) == 0 && hclose(cli) == 0 && hclose(ls) == 0);
}
