/* In place of libseccomp in a reproducer: the part of its API the suite's
 * fault injection (conformance/support/inject.c) uses, which then runs as
 * it is: rules a system call fails with an errno, some only when an
 * argument compares so with a value, loaded as a classic BPF filter.  Linux
 * only; no architecture check (a program of another ABI, x32, would be
 * filtered by the wrong numbers).  Not compiled on its own. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

typedef uint64_t scmp_datum_t;
enum scmp_compare { SCMP_CMP_NE = 1, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE,
    SCMP_CMP_GT, SCMP_CMP_MASKED_EQ };
struct scmp_arg_cmp {
    unsigned int arg;
    enum scmp_compare op;
    scmp_datum_t datum_a, datum_b;
};

#define SCMP_ACT_ALLOW 0x7fff0000U
#define SCMP_ACT_ERRNO(x) (0x00050000U | ((x) & 0x0000ffffU))
#define SCMP_SYS(x) SYS_##x
#define __NR_SCMP_ERROR (-1)

/* A filter being built: its rules in order. */
struct scmp_filter {
    uint32_t otherwise;
    int n;
    struct {
        int nr;
        uint32_t action;
        unsigned int nargs;
        struct scmp_arg_cmp args[4];
    } rules[64];
};
typedef struct scmp_filter *scmp_filter_ctx;

static scmp_filter_ctx seccomp_init(uint32_t otherwise) {
    static struct scmp_filter f;
    memset(&f, 0, sizeof(f));
    f.otherwise = otherwise;
    return &f;
}

static void seccomp_release(scmp_filter_ctx ctx) {
    (void)ctx;
}

/* The number of a system call of this architecture, or __NR_SCMP_ERROR. */
static int seccomp_syscall_resolve_name(const char *name) {
#define SC(x) {#x, SYS_##x}
    static const struct {
        const char *name;
        long nr;
    } calls[] = {SC(socket), SC(socketpair), SC(accept4), SC(bind), SC(listen),
        SC(connect), SC(sendmsg), SC(recvmsg), SC(dup), SC(dup3), SC(pipe2),
        SC(epoll_create1), SC(eventfd2), SC(timerfd_create), SC(signalfd4),
        SC(memfd_create), SC(fcntl), SC(mmap), SC(mprotect), SC(openat),
#ifdef SYS_accept
        SC(accept),
#endif
#ifdef SYS_dup2
        SC(dup2),
#endif
#ifdef SYS_pipe
        SC(pipe),
#endif
#ifdef SYS_epoll_create
        SC(epoll_create),
#endif
#ifdef SYS_eventfd
        SC(eventfd),
#endif
#ifdef SYS_signalfd
        SC(signalfd),
#endif
#ifdef SYS_open
        SC(open),
#endif
    };
#undef SC
    for(size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
        if(!strcmp(calls[i].name, name))
            return (int)calls[i].nr;
    return __NR_SCMP_ERROR;
}

static int seccomp_rule_add_array(scmp_filter_ctx ctx, uint32_t action, int nr,
      unsigned int nargs, const struct scmp_arg_cmp *args) {
    if(ctx->n == 64 || nargs > 4)
        return -EINVAL;
    ctx->rules[ctx->n].nr = nr;
    ctx->rules[ctx->n].action = action;
    ctx->rules[ctx->n].nargs = nargs;
    memcpy(ctx->rules[ctx->n].args, args, nargs * sizeof(*args));
    ctx->n++;
    return 0;
}

static int seccomp_rule_add(scmp_filter_ctx ctx, uint32_t action, int nr,
      unsigned int nargs, ...) {
    struct scmp_arg_cmp args[4];
    va_list ap;
    va_start(ap, nargs);
    for(unsigned int i = 0; i < nargs && i < 4; i++)
        args[i] = va_arg(ap, struct scmp_arg_cmp);
    va_end(ap);
    return seccomp_rule_add_array(ctx, action, nr, nargs, args);
}

/* The program being assembled; a jump names where it goes: the next
 * instruction, past the comparison at hand (OK), or past the rule (NO). */
enum { NEXT, OK, NO };
struct bpf_prog {
    struct sock_filter ins[512];
    unsigned char jt[512], jf[512];
    unsigned n;
};

static void emit(struct bpf_prog *p, unsigned short code, uint32_t k, int jt, int jf) {
    if(p->n < 512) {
        p->ins[p->n] = (struct sock_filter)BPF_STMT(code, k);
        p->jt[p->n] = (unsigned char)jt;
        p->jf[p->n++] = (unsigned char)jf;
    }
}

/* Points the jumps of instructions from..p->n at `label`, now resolved to
 * `target`. */
static void resolve(struct bpf_prog *p, unsigned from, int label, unsigned target) {
    for(unsigned i = from; i < p->n; i++) {
        if(p->jt[i] == label)
            p->ins[i].jt = (unsigned char)(target - i - 1), p->jt[i] = NEXT;
        if(p->jf[i] == label)
            p->ins[i].jf = (unsigned char)(target - i - 1), p->jf[i] = NEXT;
    }
}

/* One comparison of a 64-bit argument, high word then low word. */
static void compare(struct bpf_prog *p, const struct scmp_arg_cmp *c) {
    uint32_t off = (uint32_t)offsetof(struct seccomp_data, args) + 8 * c->arg;
    scmp_datum_t v = c->op == SCMP_CMP_MASKED_EQ ? c->datum_b : c->datum_a;
    scmp_datum_t m = c->op == SCMP_CMP_MASKED_EQ ? c->datum_a : ~(scmp_datum_t)0;
    bool swap = c->op == SCMP_CMP_NE || c->op == SCMP_CMP_LT || c->op == SCMP_CMP_LE;
    int yes = swap ? NO : OK, no = swap ? OK : NO;
    unsigned short order = c->op == SCMP_CMP_GE || c->op == SCMP_CMP_LT ? BPF_JGE
        : c->op == SCMP_CMP_GT || c->op == SCMP_CMP_LE ? BPF_JGT : BPF_JEQ;
    emit(p, BPF_LD | BPF_W | BPF_ABS, off + 4, NEXT, NEXT);
    emit(p, BPF_ALU | BPF_AND | BPF_K, (uint32_t)(m >> 32), NEXT, NEXT);
    if(order != BPF_JEQ)
        emit(p, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)(v >> 32), yes, NEXT);
    emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(v >> 32), NEXT, no);
    emit(p, BPF_LD | BPF_W | BPF_ABS, off, NEXT, NEXT);
    emit(p, BPF_ALU | BPF_AND | BPF_K, (uint32_t)m, NEXT, NEXT);
    emit(p, BPF_JMP | order | BPF_K, (uint32_t)v, yes, no);
}

static int seccomp_load(scmp_filter_ctx ctx) {
    static struct bpf_prog p;
    memset(&p, 0, sizeof(p));
    for(int r = 0; r < ctx->n; r++) {
        unsigned start = p.n;
        emit(&p, BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, nr),
            NEXT, NEXT);
        emit(&p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)ctx->rules[r].nr, NEXT, NO);
        for(unsigned a = 0; a < ctx->rules[r].nargs; a++) {
            unsigned from = p.n;
            compare(&p, &ctx->rules[r].args[a]);
            resolve(&p, from, OK, p.n);
        }
        emit(&p, BPF_RET | BPF_K, ctx->rules[r].action, NEXT, NEXT);
        resolve(&p, start, NO, p.n);
    }
    emit(&p, BPF_RET | BPF_K, ctx->otherwise, NEXT, NEXT);
    if(p.n == 512)
        return -EINVAL;
    struct sock_fprog prog = {(unsigned short)p.n, p.ins};
    if(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
          prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
        return -errno;
    return 0;
}
