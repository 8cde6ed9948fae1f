/* Fault injection and privilege dropping (see inject.h).  Below the fixture:
 * support.c undoes these at the end of every test, and they report a setup
 * failure through setup.h alone, never calling back up into support.c. */
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <unistd.h>

#include "inject.h"
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
