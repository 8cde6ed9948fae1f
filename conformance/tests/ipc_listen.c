/* ipc_listen(3) and ipc_listen_mem(3). */
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "inject.h"
#include "support.h"

/* "In case of success the function returns newly created socket", and
 * "The connections can be accepted using ipc_accept function". */
DS_TWIN(ipc_listen, success_accepts,
    "returns a new listening socket whose connections ipc_accept accepts") {
    int ls = ds_listen(mem, ds_path("l.ipc"), 10);
    DS_EXPECT_HANDLE(ls);
    int c = ipc_connect(ds_path("l.ipc"), now() + 1000);
    DS_SETUP(c >= 0);
    int s = ipc_accept(ls, now() + 1000);
    DS_EXPECT_HANDLE(s);
    DS_SETUP(hclose(c) == 0 && hclose(s) == 0);
    DS_EXPECT_RC(hclose(ls), 0);
}

/* "The socket can be closed either by hclose or ipc_close.  Both ways are
 * equivalent." */
DS_TWIN(ipc_listen, closed_by_ipc_close,
    "ipc_close closes a listener, equivalent to hclose") {
    int ls = ds_listen(mem, ds_path("l.ipc"), 10);
    DS_SETUP(ls >= 0);
    DS_EXPECT_RC(ipc_close(ls, -1), 0);
    DS_EXPECT_ERR(hclose(ls), EBADF, HCLOSE_ERRS);
}

DS_TWIN(ipc_listen, EADDRINUSE_bound_path,
    "the address is already in use: EADDRINUSE") {
    int ls = ds_listen(mem, ds_path("l.ipc"), 10);
    DS_SETUP(ls >= 0);
    DS_EXPECT_ERR(ds_listen(mem, ds_path("l.ipc"), 10), EADDRINUSE, LISTEN_ERRS);
    DS_SETUP(hclose(ls) == 0);
}

DS_TWIN(ipc_listen, EACCES_readonly_directory,
    "no permission to create the socket file: EACCES") {
    DS_SETUP(mkdir(ds_path("ro"), 0555) == 0);
    DS_SETUP(chmod(ds_dir(), 0755) == 0);
    ds_drop_root();
    DS_EXPECT_ERR(ds_listen(mem, ds_path("ro/l.ipc"), 10), EACCES, LISTEN_ERRS);
}

DS_TWIN(ipc_listen, EINVAL_null_address,
    "a NULL address is an invalid argument: EINVAL") {
    DS_EXPECT_ERR(ds_listen(mem, NULL, 10), EINVAL, LISTEN_ERRS);
}

DS_TWIN(ipc_listen, ELOOP_symlink_loop,
    "a symbolic link loop in the path: ELOOP") {
    DS_SETUP(symlink(ds_path("b"), ds_path("a")) == 0);
    DS_SETUP(symlink(ds_path("a"), ds_path("b")) == 0);
    DS_EXPECT_ERR(ds_listen(mem, ds_path("a/l.ipc"), 10), ELOOP, LISTEN_ERRS);
}

DS_TWIN(ipc_listen, ENAMETOOLONG_path,
    "a path longer than a socket address holds: ENAMETOOLONG") {
    char p[300];
    memset(p, 'x', sizeof(p) - 1);
    p[sizeof(p) - 1] = 0;
    memcpy(p, ds_dir(), strlen(ds_dir()));
    p[strlen(ds_dir())] = '/';
    DS_EXPECT_ERR(ds_listen(mem, p, 10), ENAMETOOLONG, LISTEN_ERRS);
}

DS_TWIN(ipc_listen, ENOENT_missing_directory,
    "a path component that does not exist: ENOENT") {
    DS_EXPECT_ERR(ds_listen(mem, ds_path("no/l.ipc"), 10), ENOENT, LISTEN_ERRS);
}

DS_TWIN(ipc_listen, ENOENT_empty_path,
    "an empty pathname: ENOENT") {
    DS_EXPECT_ERR(ds_listen(mem, "", 10), ENOENT, LISTEN_ERRS);
}

DS_TWIN(ipc_listen, ENOTDIR_file_component,
    "a path prefix component that is a file: ENOTDIR") {
    FILE *f = fopen(ds_path("file"), "w");
    DS_SETUP(f != NULL);
    fclose(f);
    DS_EXPECT_ERR(ds_listen(mem, ds_path("file/l.ipc"), 10), ENOTDIR, LISTEN_ERRS);
}

DS_TWIN(ipc_listen, EMFILE_rlimit,
    "no fd left in the process (RLIMIT_NOFILE): EMFILE") {
    ds_inject_emfile();
    DS_EXPECT_ERR(ds_listen(mem, ds_path("l.ipc"), 10), EMFILE, LISTEN_ERRS);
}

DS_TWIN(ipc_listen, ENFILE_injected,
    "no fd left in the system (socket() fails ENFILE, injected): ENFILE") {
    ds_inject_syscall_errno(ENFILE, (const char *[]){"socket", NULL});
    DS_EXPECT_ERR(ds_listen(mem, ds_path("l.ipc"), 10), ENFILE, LISTEN_ERRS);
}

DS_TWIN(ipc_listen, ENOMEM_injected,
    "not enough memory (socket() fails ENOMEM, injected): ENOMEM") {
    ds_inject_syscall_errno(ENOMEM, (const char *[]){"socket", NULL});
    DS_EXPECT_ERR(ds_listen(mem, ds_path("l.ipc"), 10), ENOMEM, LISTEN_ERRS);
}

/* Each call gets a fresh path: a call that failed after bind() may leave
 * its socket file, which is the caller's to remove. */
struct listen_st {
    bool mem;
    void *storage;
    int i;
    char path[256];
};

static void listen_setup(void *p) {
    struct listen_st *s = p;
    char name[32];
    snprintf(name, sizeof(name), "a%d.ipc", s->i++);
    snprintf(s->path, sizeof(s->path), "%s", ds_path(name));
}

static int listen_call(void *p) {
    struct listen_st *s = p;
    return s->mem ? ipc_listen_mem(s->path, 10, s->storage)
                  : ipc_listen(s->path, 10);
}

static void listen_undo(void *p, int h) {
    struct listen_st *s = p;
    DS_SETUP(hclose(h) == 0);
    unlink(s->path);
}

static void listen_failed(void *p) {
    struct listen_st *s = p;
    unlink(s->path);
}

DS_TWIN(ipc_listen, ENOMEM_allocation_loop,
    "not enough memory: with its 1st, 2nd, ... allocation failing (libfiu), the call gives -1/ENOMEM each time, leaking no fd or memory, until it succeeds; also while the handle table grows") {
    struct listen_st s = {.mem = mem,
        .storage = mem ? ds_guarded(sizeof(struct ipc_listener_storage)) : NULL};
    ds_alloc_loop(&(struct ds_alloc_case){LISTEN_ERRS, listen_setup,
        listen_call, listen_undo, listen_failed}, &s);
}
