/* ipc_connect(3) and ipc_connect_mem(3). */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "alloc.h"
#include "inject.h"
#include "bytestream.h"

static int listener(int backlog) {
    int ls = ipc_listen(ds_path("c.ipc"), backlog);
    DS_SETUP(ls >= 0);
    return ls;
}

/* A listener whose backlog is full, so that a new connect must wait: fills
 * it with deadline-0 connects that nobody accepts, until one fails (how it
 * fails is what the tests below check). */
static int full_listener(int clients[], int max, int *n) {
    int ls = listener(1);
    for(*n = 0; *n < max; (*n)++) {
        int c = ipc_connect(ds_path("c.ipc"), 0);
        if(c < 0)
            break;
        clients[*n] = c;
    }
    if(*n == max)
        ds_untested("the listener (backlog 1) took %d connections with deadline 0 and "
            "refused none: no full backlog to connect to", max);
    return ls;
}

static void close_all(int clients[], int n, int ls) {
    for(int i = 0; i < n; i++)
        DS_SETUP(hclose(clients[i]) == 0);
    DS_SETUP(hclose(ls) == 0);
}

DS_TWIN(ipc_connect, success_connection_works,
    "returns a new socket handle connected to the listener, carrying bytes") {
    int ls = listener(10);
    int c = ds_connect(mem, ds_path("c.ipc"), now() + 1000);
    DS_EXPECT_HANDLE(c);
    int s = ipc_accept(ls, now() + 1000);
    DS_SETUP(s >= 0);
    char buf[3];
    DS_EXPECT_RC(bsend(c, "ABC", 3, now() + 1000), 0);
    DS_EXPECT_RC(brecv(s, buf, 3, now() + 1000), 0);
    cr_assert(memcmp(buf, "ABC", 3) == 0, "FAIL: bytes changed");
    DS_SETUP(hclose(s) == 0 && hclose(c) == 0 && hclose(ls) == 0);
}

DS_TWIN(ipc_connect, ENOENT_missing_file,
    "a path that names no file: ENOENT") {
    DS_EXPECT_ERR(ds_connect(mem, ds_path("none.ipc"), now() + 1000), ENOENT,
        CONNECT_ERRS);
}

DS_TWIN(ipc_connect, ENOENT_empty_path,
    "an empty pathname: ENOENT") {
    DS_EXPECT_ERR(ds_connect(mem, "", now() + 1000), ENOENT, CONNECT_ERRS);
}

DS_TWIN(ipc_connect, ECONNREFUSED_no_listener,
    "a socket file nobody listens on any more: ECONNREFUSED") {
    int ls = listener(10);
    DS_SETUP(hclose(ls) == 0);
    DS_EXPECT_ERR(ds_connect(mem, ds_path("c.ipc"), now() + 1000), ECONNREFUSED,
        CONNECT_ERRS);
}

DS_TWIN(ipc_connect, ECONNREFUSED_not_a_socket,
    "a regular file is not listening for connections: ECONNREFUSED") {
    FILE *f = fopen(ds_path("c.ipc"), "w");
    DS_SETUP(f != NULL);
    fclose(f);
    DS_EXPECT_ERR(ds_connect(mem, ds_path("c.ipc"), now() + 1000), ECONNREFUSED,
        CONNECT_ERRS);
}

DS_TWIN(ipc_connect, ENOTDIR_file_component,
    "a path prefix component that is a file: ENOTDIR") {
    FILE *f = fopen(ds_path("file"), "w");
    DS_SETUP(f != NULL);
    fclose(f);
    DS_EXPECT_ERR(ds_connect(mem, ds_path("file/c.ipc"), now() + 1000), ENOTDIR,
        CONNECT_ERRS);
}

DS_TWIN(ipc_connect, ENAMETOOLONG_path,
    "a path longer than a socket address holds: ENAMETOOLONG") {
    char p[300];
    memset(p, 'x', sizeof(p) - 1);
    p[sizeof(p) - 1] = 0;
    memcpy(p, ds_dir(), strlen(ds_dir()));
    p[strlen(ds_dir())] = '/';
    DS_EXPECT_ERR(ds_connect(mem, p, now() + 1000), ENAMETOOLONG, CONNECT_ERRS);
}

DS_TWIN(ipc_connect, ELOOP_symlink_loop,
    "a symbolic link loop in the path: ELOOP") {
    DS_SETUP(symlink(ds_path("b"), ds_path("a")) == 0);
    DS_SETUP(symlink(ds_path("a"), ds_path("b")) == 0);
    DS_EXPECT_ERR(ds_connect(mem, ds_path("a/c.ipc"), now() + 1000), ELOOP,
        CONNECT_ERRS);
}

DS_TWIN(ipc_connect, EACCES_no_search_permission,
    "a directory on the path without search permission: EACCES") {
    int ls = ipc_listen(ds_path("c.ipc"), 10);
    DS_SETUP(ls >= 0);
    DS_SETUP(mkdir(ds_path("locked"), 0700) == 0);
    DS_SETUP(chmod(ds_dir(), 0755) == 0);
    DS_SETUP(chmod(ds_path("locked"), 0) == 0);
    ds_drop_root();
    DS_EXPECT_ERR(ds_connect(mem, ds_path("locked/c.ipc"), now() + 1000), EACCES,
        CONNECT_ERRS);
    ds_regain_root();
    DS_SETUP(hclose(ls) == 0);
}

DS_TWIN(ipc_connect, EINVAL_null_address,
    "a NULL address is an invalid argument: EINVAL") {
    DS_EXPECT_ERR(ds_connect(mem, NULL, now() + 1000), EINVAL, CONNECT_ERRS);
}

DS_TWIN(ipc_connect, ETIMEDOUT_deadline_0,
    "deadline 0 when the listener cannot take the connection now: ETIMEDOUT without blocking") {
    int clients[256], n;
    int ls = full_listener(clients, 256, &n);
    int64_t t0 = ds_ms();
    DS_EXPECT_ERR(ds_connect(mem, ds_path("c.ipc"), 0), ETIMEDOUT, CONNECT_ERRS);
    DS_EXPECT_FAST(t0);
    close_all(clients, n, ls);
}

DS_TWIN(ipc_connect, ETIMEDOUT_timed,
    "a timed deadline when the listener never takes the connection: ETIMEDOUT on time") {
    int clients[256], n;
    int ls = full_listener(clients, 256, &n);
    int64_t t0 = ds_ms(), dl = now() + 100;
    DS_EXPECT_ERR(ds_connect(mem, ds_path("c.ipc"), dl), ETIMEDOUT, CONNECT_ERRS);
    DS_EXPECT_EXPIRY(t0, dl, 100);
    close_all(clients, n, ls);
}

static coroutine void accept_later(int ls, int ms) {
    msleep(now() + ms);
    int s = ipc_accept(ls, now() + 1000);
    msleep(now() + 2000);
    if(s >= 0)
        hclose(s);
}

DS_TWIN(ipc_connect, deadline_infinite_waits_for_room,
    "deadline -1 waits until the listener takes the connection") {
    int clients[256], n;
    int ls = full_listener(clients, 256, &n);
    int cr = go(accept_later(ls, 100));
    DS_SETUP(cr >= 0);
    int c = ds_connect(mem, ds_path("c.ipc"), -1);
    DS_EXPECT_HANDLE(c);
    DS_SETUP(hclose(c) == 0 && hclose(cr) == 0);
    close_all(clients, n, ls);
}

static int canceled_rc, canceled_errno;

static coroutine void connect_in_coroutine(bool mem) {
    canceled_rc = ds_connect(mem, ds_path("c.ipc"), -1);
    canceled_errno = errno;
}

DS_TWIN(ipc_connect, ECANCELED_blocked,
    "blocked in the call when its coroutine is closed: ECANCELED") {
    int clients[256], n;
    int ls = full_listener(clients, 256, &n);
    int cr = go(connect_in_coroutine(mem));
    DS_SETUP(cr >= 0);
    DS_SETUP(msleep(now() + 20) == 0);
    DS_SETUP(hclose(cr) == 0);
    errno = canceled_errno;
    DS_EXPECT_ERR(canceled_rc, ECANCELED, CONNECT_ERRS);
    close_all(clients, n, ls);
}

static coroutine void connect_after_cancel(bool mem) {
    msleep(-1);
    canceled_rc = ds_connect(mem, ds_path("c.ipc"), now() + 1000);
    canceled_errno = errno;
}

DS_TWIN(ipc_connect, ECANCELED_after,
    "called in a coroutine already canceled: ECANCELED") {
    int ls = listener(10);
    int cr = go(connect_after_cancel(mem));
    DS_SETUP(cr >= 0);
    DS_SETUP(hclose(cr) == 0);
    errno = canceled_errno;
    if(canceled_rc >= 0)
        hclose(canceled_rc);
    DS_EXPECT_ERR(canceled_rc, ECANCELED, CONNECT_ERRS);
    DS_SETUP(hclose(ls) == 0);
}

DS_TWIN(ipc_connect, EMFILE_rlimit,
    "no fd left in the process (RLIMIT_NOFILE): EMFILE") {
    int ls = listener(10);
    ds_inject_emfile();
    DS_EXPECT_ERR(ds_connect(mem, ds_path("c.ipc"), now() + 1000), EMFILE,
        CONNECT_ERRS);
    DS_SETUP(hclose(ls) == 0);
}

DS_TWIN(ipc_connect, ENFILE_injected,
    "no fd left in the system (socket() fails ENFILE, injected): ENFILE") {
    int ls = listener(10);
    ds_inject_syscall_errno(ENFILE, (const char *[]){"socket", NULL});
    DS_EXPECT_ERR(ds_connect(mem, ds_path("c.ipc"), now() + 1000), ENFILE,
        CONNECT_ERRS);
    DS_SETUP(hclose(ls) == 0);
}

DS_TWIN(ipc_connect, ENOMEM_injected,
    "not enough memory (socket() fails ENOMEM, injected): ENOMEM") {
    int ls = listener(10);
    ds_inject_syscall_errno(ENOMEM, (const char *[]){"socket", NULL});
    DS_EXPECT_ERR(ds_connect(mem, ds_path("c.ipc"), now() + 1000), ENOMEM,
        CONNECT_ERRS);
    DS_SETUP(hclose(ls) == 0);
}

/* A raw, non-blocking listener that is drained after every call, so its
 * backlog never fills. */
struct connect_st {
    bool mem;
    void *storage;
    int lfd;
    int64_t deadline;
    char path[256];
};

static void connect_drain(struct connect_st *s) {
    int fd;
    while((fd = accept(s->lfd, NULL, NULL)) >= 0)
        close(fd);
}

static void connect_setup(void *p) {
    struct connect_st *s = p;
    s->deadline = now() + 1000;
}

static int connect_call(void *p) {
    struct connect_st *s = p;
    return s->mem ? ipc_connect_mem(s->path, s->storage, s->deadline)
                  : ipc_connect(s->path, s->deadline);
}

static void connect_undo(void *p, int h) {
    DS_SETUP(hclose(h) == 0);
    connect_drain(p);
}

static void connect_failed(void *p) {
    connect_drain(p);
}

DS_TWIN(ipc_connect, ENOMEM_allocation_loop,
    "not enough memory: with its 1st, 2nd, ... allocation failing (libfiu), the call gives -1/ENOMEM each time, leaking no fd or memory, until it succeeds; also while the handle table grows") {
    struct connect_st s = {.mem = mem,
        .storage = mem ? ds_guarded(sizeof(struct ipc_storage)) : NULL};
    snprintf(s.path, sizeof(s.path), "%s", ds_path("c.ipc"));
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    strcpy(sun.sun_path, s.path);
    s.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    DS_SETUP(s.lfd >= 0);
    DS_SETUP(bind(s.lfd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
    DS_SETUP(listen(s.lfd, 64) == 0);
    ds_alloc_loop(&(struct ds_alloc_case){CONNECT_ERRS, connect_setup,
        connect_call, connect_undo, connect_failed}, &s);
    close(s.lfd);
}

DS_TWIN(ipc_connect, deadlines_send,
    "the connected socket sends with deadline 0 (ETIMEDOUT at once), 100 ms (ETIMEDOUT on time) and -1 (waits for the peer)") {
    ds_check_endpoint_deadlines(DS_CONNECTED, mem, true);
}

DS_TWIN(ipc_connect, deadlines_recv,
    "the connected socket receives with deadline 0 (ETIMEDOUT at once), 100 ms (ETIMEDOUT on time) and -1 (waits for the peer)") {
    ds_check_endpoint_deadlines(DS_CONNECTED, mem, false);
}

DS_TEST(ipc_connect_mem, EINVAL_null_storage,
    "NULL storage: EINVAL, no crash, no fd, no handle, no connection made to the listener") {
    int ls = ipc_listen(ds_path("n.ipc"), 10);
    DS_SETUP(ls >= 0);
    DS_EXPECT_ERR(ipc_connect_mem(ds_path("n.ipc"), NULL, now() + 1000), EINVAL, CONNECT_ERRS);
    int64_t t0 = ds_ms();
    int s = ipc_accept(ls, 0);
    cr_assert(s == -1, "FAIL: the NULL-storage call made a connection the listener accepted");
    DS_SETUP(errno == ETIMEDOUT && ds_ms() - t0 < DS_FAST_MS);
    DS_SETUP(hclose(ls) == 0);
}
