/* The conformance suite's shared helpers (see support.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "inject.h"
#include "support.h"

#if defined(__SANITIZE_ADDRESS__)
#define DS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DS_ASAN 1
#endif
#endif
#ifdef DS_ASAN
#include <sanitizer/lsan_interface.h>
#endif

char ds_big[DS_BIG];

static char dir[64];
static char path[256];
static int fds_before;

#define MAX_GUARDED 16
static void *guarded[MAX_GUARDED];
static int nguarded;
static void guard_check(void *mem);

int64_t ds_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int count_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if(!d)
        return -1;
    while(readdir(d))
        n++;
    closedir(d);
    return n;
}

static coroutine void send_after_yield(int s) {
    yield();
    bsend(s, "w", 1, now() + 1000);
}

/* Makes the target create whatever it keeps for itself (a poller fd) before
 * the fds are counted: one wait that must block, since the byte is sent only
 * after the receiver waits.  (A wait bound to fail, brecv(..., now() + 1),
 * can find its deadline already past on a coarse clock and never reach the
 * poller; the test then sees the poller's fd as its own leak.) */
static void warm_up(void) {
    int s[2];
    if(ipc_pair(s) != 0)
        return;
    int cr = go(send_after_yield(s[1]));
    char c;
    brecv(s[0], &c, 1, now() + 1000);
    if(cr >= 0)
        hclose(cr);
    hclose(s[0]);
    hclose(s[1]);
}

void ds_init(void) {
    snprintf(dir, sizeof(dir), "/tmp/dsc.XXXXXX");
    DS_SETUP(mkdtemp(dir) != NULL);
    warm_up();
    fds_before = count_fds();
}

static int leftover_files(void) {
    int n = 0;
    DIR *d = opendir(dir);
    if(!d)
        return 0;
    struct dirent *e;
    while((e = readdir(d)))
        if(strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

/* Fds are the target's or the test's, and any leak fails; so does a write
 * before a _mem object's storage, and, under ASan, memory no pointer reaches
 * any more (LeakSanitizer's own check at exit comes after Criterion has
 * taken the verdict, and would not change it). */
void ds_hygiene(void) {
    ds_regain_root();
    ds_restore_emfile();
    for(int i = 0; i < nguarded; i++)
        guard_check(guarded[i]);
    int leaked = count_fds() - fds_before;
    cr_expect(leaked <= 0, "FAIL: %d file descriptor(s) leaked", leaked);
#ifdef DS_ASAN
    cr_expect(__lsan_do_recoverable_leak_check() == 0,
        "FAIL: LeakSanitizer found memory leaked (its report is in the log)");
#endif
}

/* Socket files are the test's to remove (ipc_listen(3) says nothing of
 * unlinking), so leftovers are cleaned, not blamed. */
void ds_fini(void) {
    ds_regain_root();
    if(leftover_files() > 0) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if(system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    } else {
        rmdir(dir);
    }
}

const char *ds_dir(void) {
    return dir;
}

const char *ds_path(const char *name) {
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

const char *ds_errno_verdict(int got, const int *documented) {
    for(const int *e = documented; *e; e++)
        if(*e == got)
            return "FAIL";
    return "UNDOCUMENTED-ERRNO";
}

const char *ds_errname(int err) {
    switch(err) {
#define E(x) case x: return #x;
    E(EBADF) E(EBUSY) E(ECANCELED) E(ECONNRESET) E(EINVAL) E(ENOTSUP)
    E(EPIPE) E(ETIMEDOUT) E(EMFILE) E(ENFILE) E(ENOMEM) E(EACCES)
    E(EADDRINUSE) E(ELOOP) E(ENAMETOOLONG) E(ENOENT) E(ENOTDIR)
    E(ECONNREFUSED) E(EPROTO) E(EAGAIN) E(EINTR) E(ENOTSOCK) E(EPERM)
#undef E
    case 0: return "0";
    default: return "other";
    }
}

/******************************************************************************/
/*  Guarded storage                                                           */
/******************************************************************************/

#define CANARY 0xA5

static void guard_check(void *mem) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *base = (unsigned char *)((uintptr_t)mem & ~(uintptr_t)(page - 1));
    for(unsigned char *p = base; p < (unsigned char *)mem; p++)
        cr_expect(*p == CANARY, "FAIL: the object wrote %ld bytes before its storage",
            (long)((unsigned char *)mem - p));
}

void *ds_guarded(size_t size) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (size + 64 + page - 1) / page * page;
    char *m = mmap(NULL, span + page, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    DS_SETUP(m != MAP_FAILED);
    DS_SETUP(mprotect(m + span, page, PROT_NONE) == 0);
    memset(m, CANARY, span);
    void *mem = m + span - size;    /* ends exactly at the guard page */
    DS_SETUP(nguarded < MAX_GUARDED);
    guarded[nguarded++] = mem;
    return mem;
}

int ds_listen(bool mem, const char *addr, int backlog) {
    return mem ? ipc_listen_mem(addr, backlog,
                     ds_guarded(sizeof(struct ipc_listener_storage)))
               : ipc_listen(addr, backlog);
}

int ds_accept(bool mem, int ls, int64_t deadline) {
    return mem ? ipc_accept_mem(ls, ds_guarded(sizeof(struct ipc_storage)), deadline)
               : ipc_accept(ls, deadline);
}

int ds_connect(bool mem, const char *addr, int64_t deadline) {
    return mem ? ipc_connect_mem(addr, ds_guarded(sizeof(struct ipc_storage)), deadline)
               : ipc_connect(addr, deadline);
}

int ds_pair(bool mem, int s[2]) {
    return mem ? ipc_pair_mem(ds_guarded(sizeof(struct ipc_pair_storage)), s)
               : ipc_pair(s);
}

int ds_fromfd(bool mem, int fd) {
    return mem ? ipc_fromfd_mem(fd, ds_guarded(sizeof(struct ipc_storage)))
               : ipc_fromfd(fd);
}

int ds_listener_fromfd(bool mem, int fd) {
    return mem ? ipc_listener_fromfd_mem(fd,
                     ds_guarded(sizeof(struct ipc_listener_storage)))
               : ipc_listener_fromfd(fd);
}

/******************************************************************************/
/*  Objects                                                                   */
/******************************************************************************/

int ds_listener_with_client(const char *name, int *cli, int *srv) {
    int ls = ipc_listen(ds_path(name), 10);
    DS_SETUP(ls >= 0);
    *cli = ipc_connect(ds_path(name), now() + 5000);
    DS_SETUP(*cli >= 0);
    *srv = ipc_accept(ls, now() + 5000);
    DS_SETUP(*srv >= 0);
    return ls;
}

void ds_connect_pair(enum ds_conn_kind kind, int s[2]) {
    switch(kind) {
    case DS_PAIR:
        DS_SETUP(ipc_pair(s) == 0);
        return;
    case DS_LISTEN_CONNECT: {
        int ls = ds_listener_with_client("pair.ipc", &s[0], &s[1]);
        DS_SETUP(hclose(ls) == 0);
        unlink(ds_path("pair.ipc"));
        return;
    }
    case DS_FROMFD: {
        int fds[2];
        DS_SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        s[0] = ipc_fromfd(fds[0]);
        s[1] = ipc_fromfd(fds[1]);
        DS_SETUP(s[0] >= 0 && s[1] >= 0);
        return;
    }
    }
}

static coroutine void sleep_forever(void) {
    msleep(-1);
}

int ds_bundle_handle(void) {
    int b = bundle();
    DS_SETUP(b >= 0);
    return b;
}

int ds_coroutine_handle(void) {
    int h = go(sleep_forever());
    DS_SETUP(h >= 0);
    return h;
}

int ds_closed_handle(void) {
    int s[2];
    DS_SETUP(ipc_pair(s) == 0);
    DS_SETUP(hclose(s[1]) == 0);
    DS_SETUP(hclose(s[0]) == 0);
    return s[0];
}

static void expect_carries(int from, int to, const char *bytes) {
    char buf[2];
    int rc = bsend(from, bytes, 2, now() + 1000);
    cr_assert(rc == 0, "FAIL: afterwards bsend failed (errno %s): the error changed "
        "the connection", ds_errname(errno));
    rc = brecv(to, buf, 2, now() + 1000);
    cr_assert(rc == 0, "FAIL: afterwards brecv failed (errno %s): the error changed "
        "the connection", ds_errname(errno));
    cr_assert(memcmp(buf, bytes, 2) == 0, "FAIL: afterwards the bytes changed in transit");
}

void ds_expect_usable(int a, int b) {
    expect_carries(a, b, "ab");
    expect_carries(b, a, "ba");
}
