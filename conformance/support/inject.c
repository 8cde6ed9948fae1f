/* Fault injection and privilege dropping (see inject.h).  Below the fixture:
 * support.c undoes these at the end of every test, and they report a setup
 * failure through setup.h alone, never calling back up into support.c. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "inject.h"
#include "sanitizer.h"
#include "setup.h"

static struct rlimit nofile_before;
static bool nofile_lowered;

void ds_inject_emfile(void) {
    /* The lowest fd number free now is the count of open ones, at most. */
    int probe = dup(0);
    DS_SETUP(probe >= 0);
    close(probe);
    struct rlimit rl = {(rlim_t)probe, (rlim_t)probe};
    struct rlimit old;
    DS_SETUP(getrlimit(RLIMIT_NOFILE, &old) == 0);
    rl.rlim_max = old.rlim_max;
    DS_SETUP(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    nofile_before = old;
    nofile_lowered = true;
    errno = 0;
    DS_SETUP(dup(0) == -1 && errno == EMFILE);
}

void ds_inject_syscall_errno(int err, const char *const *syscalls) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    DS_SETUP(ctx != NULL);
    for(const char *const *s = syscalls; *s; s++) {
        int nr = seccomp_syscall_resolve_name(*s);
        if(nr == __NR_SCMP_ERROR)
            continue;   /* not on this architecture (e.g. accept on arm64) */
        DS_SETUP(seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)err), nr, 0) == 0);
    }
    DS_SETUP(seccomp_load(ctx) == 0);
    seccomp_release(ctx);
}

/* One rule: syscall `nr` fails with `err` when its argument `arg` compares
 * so with `value` (written out: the SCMP_A* macros leave fields unset). */
static void fail_when(scmp_filter_ctx ctx, int err, int nr, unsigned arg,
      enum scmp_compare op, scmp_datum_t value) {
    struct scmp_arg_cmp cmp = {.arg = arg, .op = op, .datum_a = value, .datum_b = 0};
    DS_SETUP(seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO((unsigned)err), nr, 1,
        &cmp) == 0);
}

void ds_inject_enfile(void) {
    ds_inject_syscall_errno(ENFILE, (const char *[]){"dup", "dup2", "dup3",
        "socket", "socketpair", "accept", "accept4", "pipe", "pipe2",
        "epoll_create", "epoll_create1", "eventfd", "eventfd2",
        "timerfd_create", "signalfd", "signalfd4", "memfd_create", NULL});
    /* fcntl(F_DUPFD) and fcntl(F_DUPFD_CLOEXEC) make fds too. */
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    DS_SETUP(ctx != NULL);
    fail_when(ctx, ENFILE, SCMP_SYS(fcntl), 1, SCMP_CMP_EQ, F_DUPFD);
    fail_when(ctx, ENFILE, SCMP_SYS(fcntl), 1, SCMP_CMP_EQ, F_DUPFD_CLOEXEC);
    DS_SETUP(seccomp_load(ctx) == 0);
    seccomp_release(ctx);
}

/* Under AddressSanitizer (a build of ref) the process's own leak check
 * maps a guarded stack of its own, and must still get it: there only the
 * mappings marked MAP_STACK, as ref's stacks are, fail. */
void ds_inject_no_stack_memory(void) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    DS_SETUP(ctx != NULL);
#ifdef DS_ASAN
    struct scmp_arg_cmp stack = {.arg = 3, .op = SCMP_CMP_MASKED_EQ,
        .datum_a = MAP_STACK, .datum_b = MAP_STACK};
    DS_SETUP(seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(ENOMEM), SCMP_SYS(mmap),
        1, &stack) == 0);
#else
    fail_when(ctx, ENOMEM, SCMP_SYS(mmap), 1, SCMP_CMP_GE, 64 * 1024);
    fail_when(ctx, ENOMEM, SCMP_SYS(mprotect), 2, SCMP_CMP_EQ, PROT_NONE);
#endif
    DS_SETUP(seccomp_load(ctx) == 0);
    seccomp_release(ctx);
}

void ds_restore_emfile(void) {
    if(nofile_lowered)
        DS_SETUP(setrlimit(RLIMIT_NOFILE, &nofile_before) == 0);
    nofile_lowered = false;
}

void ds_drop_root(void) {
    if(geteuid() == 0)
        DS_SETUP(setresuid((uid_t)-1, 65534, 0) == 0);
}

void ds_regain_root(void) {
    if(getuid() == 0)
        DS_SETUP(seteuid(0) == 0);
}
