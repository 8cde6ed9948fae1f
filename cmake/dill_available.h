/* The target's libdill.h, plus what it may lack.
 *
 * Releases and forks differ in what they provide: libdill 2.0 has no
 * bundles, no _mem variants and no hown; 2.3-2.6 take their storage as
 * void * of IPC_SIZE bytes; ipc_done comes with 2.8, ipc_fromfd with 2.9
 * (2.10 and 2.12 declare it but do not export it), ipc_sendfd/ipc_recvfd
 * with 2.14; Zewo/libdill (the 1.6-era API) has no bundles and no _mem, and
 * a build from before libdill's IPC has no bytestreams and no struct iolist.
 * cmake/DillTarget.cmake probes each function and type and writes
 * DS_HAVE_<function> and DS_HAVE_TYPE_<type> (1 or 0) to dill_probe.h.
 * Here every absent function is declared as its page gives it, and every
 * absent type is defined, so that code naming them still compiles; whoever
 * includes this must either test DS_HAVE_<function> before calling it or
 * link the stand-ins of dill_standins.h (the conformance suite's
 * support/absent.c; the fuzz harnesses skip such calls). */
#ifndef DILL_AVAILABLE_H
#define DILL_AVAILABLE_H

#include <libdill.h>
#include <stddef.h>
#include <stdint.h>

#include "dill_probe.h"

/* Macros, not functions to probe: go and go_mem are in every release;
 * bundle_go and bundle_go_mem come with bundles (libdill 2.1).  Both
 * spellings, as for the probed ones (a page name passed through a macro
 * meets libdill.h's raw-name macros: go -> dill_go). */
#define DS_HAVE_go 1
#define DS_HAVE_go_mem 1
#define DS_HAVE_dill_go 1
#define DS_HAVE_dill_go_mem 1
#ifdef bundle_go
#define DS_HAVE_bundle_go 1
#define DS_HAVE_bundle_go_mem 1
#define DS_HAVE_dill_bundle_go 1
#define DS_HAVE_dill_bundle_go_mem 1
#else
#define DS_HAVE_bundle_go 0
#define DS_HAVE_bundle_go_mem 0
#define DS_HAVE_dill_bundle_go 0
#define DS_HAVE_dill_bundle_go_mem 0
/* The coroutine is named (so it counts as used) but never started: the
 * stand-in for bundle() does not return. */
#define bundle_go(b, fn) ((void)sizeof((fn), 0), ds_bundle_go_absent(b))
#define bundle_go_mem(b, fn, mem, len) \
    ((void)sizeof((fn), 0), (void)(mem), (void)(len), ds_bundle_go_absent(b))
int ds_bundle_go_absent(int b);
#endif

/* Types.  Storage keeps the size an old release asks for (IPC_SIZE, ...);
 * a release without the _mem variant never sees it. */
#if !DS_HAVE_TYPE_iolist
struct iolist {
    void *iol_base;
    size_t iol_len;
    struct iolist *iol_next;
    int iol_rsvd;
};
#endif
#if !DS_HAVE_TYPE_ipc_storage
#ifdef IPC_SIZE
struct ipc_storage { char _[IPC_SIZE]; };
#else
struct ipc_storage { char _[2064]; };
#endif
#endif
#if !DS_HAVE_TYPE_ipc_pair_storage
#ifdef IPC_PAIR_SIZE
struct ipc_pair_storage { char _[IPC_PAIR_SIZE]; };
#else
struct ipc_pair_storage { char _[4128]; };
#endif
#endif
#if !DS_HAVE_TYPE_ipc_listener_storage
#ifdef IPC_LISTENER_SIZE
struct ipc_listener_storage { char _[IPC_LISTENER_SIZE]; };
#else
struct ipc_listener_storage { char _[24]; };
#endif
#endif
#if !DS_HAVE_TYPE_bundle_storage
#ifdef BUNDLE_SIZE
struct bundle_storage { char _[BUNDLE_SIZE]; };
#else
struct bundle_storage { char _[64]; };
#endif
#endif

/* Zewo/libdill's brecv and brecvl return ssize_t: they get the raw-name
 * macros of libdill 2.8 and later (brecv is dill_brecv), here wrappers with
 * the pages' int result, so that their addresses have the pages' type. */
#if DS_HAVE_brecv && DS_SSIZE_RESULT_brecv
static inline int dill_brecv(int s, void *buf, size_t len, int64_t deadline) {
    return (int)brecv(s, buf, len, deadline);
}
#define brecv dill_brecv
#endif
#if DS_HAVE_brecvl && DS_SSIZE_RESULT_brecvl
static inline int dill_brecvl(int s, struct iolist *first, struct iolist *last,
        int64_t deadline) {
    return (int)brecvl(s, first, last, deadline);
}
#define brecvl dill_brecvl
#endif

/* Functions, as their pages declare them. */
#if !DS_HAVE_hclose
int hclose(int h);
#endif
#if !DS_HAVE_hown
int hown(int h);
#endif
#if !DS_HAVE_now
int64_t now(void);
#endif
#if !DS_HAVE_msleep
int msleep(int64_t deadline);
#endif
#if !DS_HAVE_yield
int yield(void);
#endif
#if !DS_HAVE_fdclean
int fdclean(int fd);
#endif
#if !DS_HAVE_fdin
int fdin(int fd, int64_t deadline);
#endif
#if !DS_HAVE_fdout
int fdout(int fd, int64_t deadline);
#endif
#if !DS_HAVE_bundle
int bundle(void);
#endif
#if !DS_HAVE_bundle_mem
int bundle_mem(struct bundle_storage *mem);
#endif
#if !DS_HAVE_bundle_wait
int bundle_wait(int bndl, int64_t deadline);
#endif
#if !DS_HAVE_bsend
int bsend(int s, const void *buf, size_t len, int64_t deadline);
#endif
#if !DS_HAVE_brecv
int brecv(int s, void *buf, size_t len, int64_t deadline);
#endif
#if !DS_HAVE_bsendl
int bsendl(int s, struct iolist *first, struct iolist *last, int64_t deadline);
#endif
#if !DS_HAVE_brecvl
int brecvl(int s, struct iolist *first, struct iolist *last, int64_t deadline);
#endif
#if !DS_HAVE_ipc_listen
int ipc_listen(const char *addr, int backlog);
#endif
#if !DS_HAVE_ipc_listen_mem
int ipc_listen_mem(const char *addr, int backlog, struct ipc_listener_storage *mem);
#endif
#if !DS_HAVE_ipc_accept
int ipc_accept(int s, int64_t deadline);
#endif
#if !DS_HAVE_ipc_accept_mem
int ipc_accept_mem(int s, struct ipc_storage *mem, int64_t deadline);
#endif
#if !DS_HAVE_ipc_connect
int ipc_connect(const char *addr, int64_t deadline);
#endif
#if !DS_HAVE_ipc_connect_mem
int ipc_connect_mem(const char *addr, struct ipc_storage *mem, int64_t deadline);
#endif
#if !DS_HAVE_ipc_pair
int ipc_pair(int s[2]);
#endif
#if !DS_HAVE_ipc_pair_mem
int ipc_pair_mem(struct ipc_pair_storage *mem, int s[2]);
#endif
#if !DS_HAVE_ipc_fromfd
int ipc_fromfd(int fd);
#endif
#if !DS_HAVE_ipc_fromfd_mem
int ipc_fromfd_mem(int fd, struct ipc_storage *mem);
#endif
#if !DS_HAVE_ipc_listener_fromfd
int ipc_listener_fromfd(int fd);
#endif
#if !DS_HAVE_ipc_listener_fromfd_mem
int ipc_listener_fromfd_mem(int fd, struct ipc_listener_storage *mem);
#endif
#if !DS_HAVE_ipc_done
int ipc_done(int s, int64_t deadline);
#endif
#if !DS_HAVE_ipc_close
int ipc_close(int s, int64_t deadline);
#endif
#if !DS_HAVE_ipc_sendfd
int ipc_sendfd(int s, int fd, int64_t deadline);
#endif
#if !DS_HAVE_ipc_recvfd
int ipc_recvfd(int s, int64_t deadline);
#endif

#endif
