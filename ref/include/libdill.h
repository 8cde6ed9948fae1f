/*
 * libdill.h - dillspec's reference implementation of the libdill API.
 *
 * Source-compatible with libdill for the IPC scope: a program written for
 * libdill compiles unchanged against this header and links against ref's
 * libdill (-ldill; see ref/README.md for installing it).
 * Every symbol carries the dill_ prefix; the familiar names (go, ipc_accept,
 * struct iolist, ...) are macros unless DILL_DISABLE_RAW_NAMES is defined.
 *
 * The man page each declaration implements is named beside it.
 */
#ifndef LIBDILL_H_INCLUDED
#define LIBDILL_H_INCLUDED

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DILL_EXPORT __attribute__((visibility("default")))

/* Opaque storage for the _mem variants.  Sizes leave room to grow; the
 * alignment lets ref keep pointers and 64-bit integers inside. */
#define DILL_STORAGE(name, size) \
    struct name { char _[size]; } __attribute__((aligned(16)))

/******************************************************************************/
/*  Handles: hclose(3), hown(3)                                               */
/******************************************************************************/

DILL_EXPORT int dill_hclose(int h);
DILL_EXPORT int dill_hown(int h);

/******************************************************************************/
/*  Time and deadlines: now(3), msleep(3), yield(3)                          */
/******************************************************************************/

DILL_EXPORT int64_t dill_now(void);
DILL_EXPORT int dill_msleep(int64_t deadline);
DILL_EXPORT int dill_yield(void);

/******************************************************************************/
/*  Raw file descriptors: fdin(3), fdout(3), fdclean(3)                      */
/******************************************************************************/

DILL_EXPORT int dill_fdin(int fd, int64_t deadline);
DILL_EXPORT int dill_fdout(int fd, int64_t deadline);
/* fdclean(3)'s SYNOPSIS says void; libdill's own header (and programs
 * written against it) use int.  Returning 0 serves both. */
DILL_EXPORT int dill_fdclean(int fd);

/******************************************************************************/
/*  Coroutines and bundles: go(3), go_mem(3), bundle(3), bundle_mem(3),      */
/*  bundle_go(3), bundle_go_mem(3), bundle_wait(3)                           */
/******************************************************************************/

/* go(3): "Any function to be invoked as a coroutine must be declared with the
 * coroutine specifier."  Inlining would let the compiler evaluate the body
 * on the caller's stack; noinline keeps the body on the coroutine's own. */
#define dill_coroutine __attribute__((noinline))

DILL_STORAGE(dill_bundle_storage, 64);

DILL_EXPORT int dill_bundle(void);
DILL_EXPORT int dill_bundle_mem(struct dill_bundle_storage *mem);
DILL_EXPORT int dill_bundle_wait(int bndl, int64_t deadline);

/* The machinery behind the go() family, not for direct use.
 *
 * go(fn(args)) must evaluate `fn(args)` on a fresh stack, and only the
 * caller's own frame can evaluate an arbitrary call expression.  So the macro
 * (1) asks the library for a stack and a place to save the caller's context,
 * (2) saves that context (DILL_CTX_SAVE_ gives 0 now, 1 when the caller is
 * resumed), (3) moves the stack pointer onto the new stack and runs
 * the call there, (4) ends the coroutine, which never returns.  The caller's
 * locals stay reachable because the variable-length array forces a frame
 * pointer in the caller, so the compiler addresses them through it rather
 * than through the stack pointer we move (a VLA, unlike alloca, is released
 * when the macro's block ends, so go() in a loop does not grow the stack).  This is why go(3) forbids function calls among the
 * coroutine's arguments. */
DILL_EXPORT int dill_go_prologue(void **ctx, void **sp, void *mem,
    size_t memlen, int bndl, int new_bundle);
DILL_EXPORT void dill_go_started(void);
DILL_EXPORT void dill_go_resumed(void);
/* Never returns, yet must not be declared noreturn: the compiler would then
 * see that the caller's locals escape into `fn` only on a path that never
 * comes back, and keep stale copies of them in the caller. */
DILL_EXPORT void dill_go_epilogue(void);

/* DILL_CTX_SAVE_(ctx) is 0 when it runs, and 1 when the scheduler resumes
 * the caller there.  It stores what the scheduler's resume code restores
 * (frame pointer, stack pointer, resume address, FP control) and tells the
 * compiler every other register is clobbered, so nothing the caller needs
 * lives in one.  Written inline rather than as a returns_twice function so
 * that callers are not flooded with -Wclobbered warnings. */
#if defined(__x86_64__)
#define DILL_CTX_SAVE_(ctx) \
    __extension__ ({ \
        int dill_r_; \
        void *dill_c_ = (ctx); \
        __asm__ volatile( \
            "movq %%rbx, 0(%%rdx)\n\t" \
            "movq %%rbp, 8(%%rdx)\n\t" \
            "movq %%rsp, 48(%%rdx)\n\t" \
            "leaq 1f(%%rip), %%rax\n\t" \
            "movq %%rax, 56(%%rdx)\n\t" \
            "stmxcsr 64(%%rdx)\n\t" \
            "fnstcw 68(%%rdx)\n\t" \
            "xorl %%eax, %%eax\n" \
            "1:\n\t" \
            : "=a"(dill_r_), "+d"(dill_c_) \
            : \
            : "rcx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", \
              "r14", "r15", "memory", "cc"); \
        dill_r_; \
    })
#define DILL_SETSP_(sp) \
    __asm__ volatile("movq %0, %%rsp" : : "r"(sp) : "memory")
#elif defined(__aarch64__)
#define DILL_CTX_SAVE_(ctx) \
    __extension__ ({ \
        register long dill_r_ __asm__("x0"); \
        register void *dill_c_ __asm__("x1") = (ctx); \
        __asm__ volatile( \
            "str x29, [x1, #80]\n\t" \
            "adr x2, 1f\n\t" \
            "str x2, [x1, #88]\n\t" \
            "mov x2, sp\n\t" \
            "str x2, [x1, #96]\n\t" \
            "mov x0, #0\n" \
            "1:\n\t" \
            : "=r"(dill_r_), "+r"(dill_c_) \
            : \
            : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", \
              "x12", "x13", "x14", "x15", "x16", "x17", "x19", "x20", "x21", \
              "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x30", \
              "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", \
              "memory", "cc"); \
        (int)dill_r_; \
    })
#define DILL_SETSP_(sp) \
    __asm__ volatile("mov sp, %0" : : "r"(sp) : "memory")
#else
#error "libdill (dillspec ref): stack switching exists for x86-64 and aarch64 only"
#endif

#define dill_go_(fn, mem, memlen, bndl, new_bundle) \
    __extension__ ({ \
        void *dill_ctx_, *dill_sp_; \
        volatile size_t dill_one_ = 1; \
        char dill_fp_[dill_one_]; \
        __asm__ volatile("" : : "r"(dill_fp_) : "memory"); \
        int dill_h_ = dill_go_prologue(&dill_ctx_, &dill_sp_, (mem), \
            (memlen), (bndl), (new_bundle)); \
        if(dill_h_ >= 0) { \
            if(!DILL_CTX_SAVE_(dill_ctx_)) { \
                DILL_SETSP_(dill_sp_); \
                dill_go_started(); \
                fn; \
                dill_go_epilogue(); \
            } \
            dill_go_resumed(); \
        } \
        dill_h_; \
    })

/* go(3) and go_mem(3) return a new bundle's handle; bundle_go(3) and
 * bundle_go_mem(3) return 0. */
#define dill_go(fn) dill_go_(fn, NULL, 0, -1, 1)
#define dill_go_mem(fn, mem, memlen) dill_go_(fn, mem, memlen, -1, 1)
#define dill_bundle_go(bndl, fn) \
    (dill_go_(fn, NULL, 0, (bndl), 0) < 0 ? -1 : 0)
#define dill_bundle_go_mem(bndl, fn, mem, memlen) \
    (dill_go_(fn, mem, memlen, (bndl), 0) < 0 ? -1 : 0)

/******************************************************************************/
/*  Bytestreams: bsend(3), brecv(3), bsendl(3), brecvl(3)                    */
/******************************************************************************/

struct dill_iolist {
    void *iol_base;              /* Pointer to the buffer. */
    size_t iol_len;              /* Size of the buffer. */
    struct dill_iolist *iol_next; /* Next buffer in the list. */
    int iol_rsvd;                /* Reserved. Must be set to zero. */
};

DILL_EXPORT int dill_bsend(int s, const void *buf, size_t len,
    int64_t deadline);
DILL_EXPORT int dill_brecv(int s, void *buf, size_t len, int64_t deadline);
DILL_EXPORT int dill_bsendl(int s, struct dill_iolist *first,
    struct dill_iolist *last, int64_t deadline);
DILL_EXPORT int dill_brecvl(int s, struct dill_iolist *first,
    struct dill_iolist *last, int64_t deadline);

/******************************************************************************/
/*  IPC: the ipc_*(3) pages and ipc_sendfd/ipc_recvfd                        */
/******************************************************************************/

DILL_STORAGE(dill_ipc_listener_storage, 48);
/* A connection holds its 2 KiB read-ahead buffer, so that the _mem
 * variants make no allocation of their own. */
DILL_STORAGE(dill_ipc_storage, 2240);
DILL_STORAGE(dill_ipc_pair_storage, 4480);

DILL_EXPORT int dill_ipc_listen(const char *addr, int backlog);
DILL_EXPORT int dill_ipc_listen_mem(const char *addr, int backlog,
    struct dill_ipc_listener_storage *mem);
DILL_EXPORT int dill_ipc_accept(int s, int64_t deadline);
DILL_EXPORT int dill_ipc_accept_mem(int s, struct dill_ipc_storage *mem,
    int64_t deadline);
DILL_EXPORT int dill_ipc_connect(const char *addr, int64_t deadline);
DILL_EXPORT int dill_ipc_connect_mem(const char *addr,
    struct dill_ipc_storage *mem, int64_t deadline);
DILL_EXPORT int dill_ipc_sendfd(int s, int fd, int64_t deadline);
DILL_EXPORT int dill_ipc_recvfd(int s, int64_t deadline);
DILL_EXPORT int dill_ipc_done(int s, int64_t deadline);
DILL_EXPORT int dill_ipc_close(int s, int64_t deadline);
DILL_EXPORT int dill_ipc_listener_fromfd(int fd);
DILL_EXPORT int dill_ipc_listener_fromfd_mem(int fd,
    struct dill_ipc_listener_storage *mem);
DILL_EXPORT int dill_ipc_fromfd(int fd);
DILL_EXPORT int dill_ipc_fromfd_mem(int fd, struct dill_ipc_storage *mem);
DILL_EXPORT int dill_ipc_pair(int s[2]);
DILL_EXPORT int dill_ipc_pair_mem(struct dill_ipc_pair_storage *mem, int s[2]);

/******************************************************************************/
/*  The names programs use                                                    */
/******************************************************************************/

#if !defined DILL_DISABLE_RAW_NAMES
#define coroutine dill_coroutine
#define hclose dill_hclose
#define hown dill_hown
#define now dill_now
#define msleep dill_msleep
#define yield dill_yield
#define fdin dill_fdin
#define fdout dill_fdout
#define fdclean dill_fdclean
#define bundle_storage dill_bundle_storage
#define bundle dill_bundle
#define bundle_mem dill_bundle_mem
#define bundle_wait dill_bundle_wait
#define go dill_go
#define go_mem dill_go_mem
#define bundle_go dill_bundle_go
#define bundle_go_mem dill_bundle_go_mem
#define iolist dill_iolist
#define bsend dill_bsend
#define brecv dill_brecv
#define bsendl dill_bsendl
#define brecvl dill_brecvl
#define ipc_listener_storage dill_ipc_listener_storage
#define ipc_storage dill_ipc_storage
#define ipc_pair_storage dill_ipc_pair_storage
#define ipc_listen dill_ipc_listen
#define ipc_listen_mem dill_ipc_listen_mem
#define ipc_accept dill_ipc_accept
#define ipc_accept_mem dill_ipc_accept_mem
#define ipc_connect dill_ipc_connect
#define ipc_connect_mem dill_ipc_connect_mem
#define ipc_sendfd dill_ipc_sendfd
#define ipc_recvfd dill_ipc_recvfd
#define ipc_done dill_ipc_done
#define ipc_close dill_ipc_close
#define ipc_listener_fromfd dill_ipc_listener_fromfd
#define ipc_listener_fromfd_mem dill_ipc_listener_fromfd_mem
#define ipc_fromfd dill_ipc_fromfd
#define ipc_fromfd_mem dill_ipc_fromfd_mem
#define ipc_pair dill_ipc_pair
#define ipc_pair_mem dill_ipc_pair_mem
#endif

#ifdef __cplusplus
}
#endif

#endif /* LIBDILL_H_INCLUDED */
