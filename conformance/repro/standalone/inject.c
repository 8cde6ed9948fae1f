/* Stands in for conformance/support/inject.c in a reproducer: the seccomp
 * filter written out as classic BPF instead of built with libseccomp, so
 * that the program needs only the C library and Linux's own headers.  Not
 * compiled on its own. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "inject.h"
#include "support.h"

/* The named system calls fail with `err` from now on (Linux; a name this
 * architecture lacks, accept on arm64, is passed over as libseccomp does). */
void ds_inject_syscall_errno(int err, const char *const *syscalls) {
    static const struct {
        const char *name;
        long nr;
    } known[] = {{"socket", SYS_socket}, {"socketpair", SYS_socketpair},
#ifdef SYS_accept
        {"accept", SYS_accept},
#endif
        {"accept4", SYS_accept4}, {"bind", SYS_bind}, {"listen", SYS_listen},
        {"connect", SYS_connect}, {"sendmsg", SYS_sendmsg},
        {"recvmsg", SYS_recvmsg}};
    struct sock_filter prog[64];
    unsigned n = 0;
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
        offsetof(struct seccomp_data, nr));
    for(const char *const *s = syscalls; *s; s++)
        for(size_t i = 0; i < sizeof(known) / sizeof(known[0]) && n < 60; i++)
            if(!strcmp(*s, known[i].name)) {
                prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                    (unsigned)known[i].nr, 0, 1);
                prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
                    SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA));
            }
    DS_SETUP(n > 1);
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog fprog = {(unsigned short)n, prog};
    DS_SETUP(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
    DS_SETUP(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) == 0);
}
