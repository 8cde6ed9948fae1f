/* Stand-ins for the functions a target lacks (see dill_available.h), so
 * that a program links against older releases and forks.  Included once,
 * by one file of each program, after it defines DILL_STANDIN_CALLED(name):
 * what reaching a stand-in means there (the conformance suite: the test
 * cannot be set up; the fuzz harnesses: their own bug, since they skip the
 * calls of an absent function).  DILL_STANDIN_CALLED does not return. */
#ifndef DILL_STANDINS_H
#define DILL_STANDINS_H

#include "dill_available.h"

/* A stand-in looks at none of its arguments. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"

#if !DS_HAVE_bundle_go
int ds_bundle_go_absent(int b) { DILL_STANDIN_CALLED("bundle_go"); }
#endif
#if !DS_HAVE_hclose
int hclose(int h) { DILL_STANDIN_CALLED("hclose"); }
#endif
#if !DS_HAVE_hown
int hown(int h) { DILL_STANDIN_CALLED("hown"); }
#endif
#if !DS_HAVE_now
int64_t now(void) { DILL_STANDIN_CALLED("now"); }
#endif
#if !DS_HAVE_msleep
int msleep(int64_t deadline) { DILL_STANDIN_CALLED("msleep"); }
#endif
#if !DS_HAVE_yield
int yield(void) { DILL_STANDIN_CALLED("yield"); }
#endif
#if !DS_HAVE_fdclean
int fdclean(int fd) { DILL_STANDIN_CALLED("fdclean"); }
#endif
#if !DS_HAVE_fdin
int fdin(int fd, int64_t deadline) { DILL_STANDIN_CALLED("fdin"); }
#endif
#if !DS_HAVE_fdout
int fdout(int fd, int64_t deadline) { DILL_STANDIN_CALLED("fdout"); }
#endif
#if !DS_HAVE_bundle
int bundle(void) { DILL_STANDIN_CALLED("bundle"); }
#endif
#if !DS_HAVE_bundle_mem
int bundle_mem(struct bundle_storage *mem) { DILL_STANDIN_CALLED("bundle_mem"); }
#endif
#if !DS_HAVE_bundle_wait
int bundle_wait(int bndl, int64_t deadline) { DILL_STANDIN_CALLED("bundle_wait"); }
#endif
#if !DS_HAVE_bsend
int bsend(int s, const void *buf, size_t len, int64_t deadline) {
    DILL_STANDIN_CALLED("bsend");
}
#endif
#if !DS_HAVE_brecv
int brecv(int s, void *buf, size_t len, int64_t deadline) {
    DILL_STANDIN_CALLED("brecv");
}
#endif
#if !DS_HAVE_bsendl
int bsendl(int s, struct iolist *first, struct iolist *last, int64_t deadline) {
    DILL_STANDIN_CALLED("bsendl");
}
#endif
#if !DS_HAVE_brecvl
int brecvl(int s, struct iolist *first, struct iolist *last, int64_t deadline) {
    DILL_STANDIN_CALLED("brecvl");
}
#endif
#if !DS_HAVE_ipc_listen
int ipc_listen(const char *addr, int backlog) { DILL_STANDIN_CALLED("ipc_listen"); }
#endif
#if !DS_HAVE_ipc_listen_mem
int ipc_listen_mem(const char *addr, int backlog, struct ipc_listener_storage *mem) {
    DILL_STANDIN_CALLED("ipc_listen_mem");
}
#endif
#if !DS_HAVE_ipc_accept
int ipc_accept(int s, int64_t deadline) { DILL_STANDIN_CALLED("ipc_accept"); }
#endif
#if !DS_HAVE_ipc_accept_mem
int ipc_accept_mem(int s, struct ipc_storage *mem, int64_t deadline) {
    DILL_STANDIN_CALLED("ipc_accept_mem");
}
#endif
#if !DS_HAVE_ipc_connect
int ipc_connect(const char *addr, int64_t deadline) { DILL_STANDIN_CALLED("ipc_connect"); }
#endif
#if !DS_HAVE_ipc_connect_mem
int ipc_connect_mem(const char *addr, struct ipc_storage *mem, int64_t deadline) {
    DILL_STANDIN_CALLED("ipc_connect_mem");
}
#endif
#if !DS_HAVE_ipc_pair
int ipc_pair(int s[2]) { DILL_STANDIN_CALLED("ipc_pair"); }
#endif
#if !DS_HAVE_ipc_pair_mem
int ipc_pair_mem(struct ipc_pair_storage *mem, int s[2]) {
    DILL_STANDIN_CALLED("ipc_pair_mem");
}
#endif
#if !DS_HAVE_ipc_fromfd
int ipc_fromfd(int fd) { DILL_STANDIN_CALLED("ipc_fromfd"); }
#endif
#if !DS_HAVE_ipc_fromfd_mem
int ipc_fromfd_mem(int fd, struct ipc_storage *mem) { DILL_STANDIN_CALLED("ipc_fromfd_mem"); }
#endif
#if !DS_HAVE_ipc_listener_fromfd
int ipc_listener_fromfd(int fd) { DILL_STANDIN_CALLED("ipc_listener_fromfd"); }
#endif
#if !DS_HAVE_ipc_listener_fromfd_mem
int ipc_listener_fromfd_mem(int fd, struct ipc_listener_storage *mem) {
    DILL_STANDIN_CALLED("ipc_listener_fromfd_mem");
}
#endif
#if !DS_HAVE_ipc_done
int ipc_done(int s, int64_t deadline) { DILL_STANDIN_CALLED("ipc_done"); }
#endif
#if !DS_HAVE_ipc_close
int ipc_close(int s, int64_t deadline) { DILL_STANDIN_CALLED("ipc_close"); }
#endif
#if !DS_HAVE_ipc_sendfd
int ipc_sendfd(int s, int fd, int64_t deadline) { DILL_STANDIN_CALLED("ipc_sendfd"); }
#endif
#if !DS_HAVE_ipc_recvfd
int ipc_recvfd(int s, int64_t deadline) { DILL_STANDIN_CALLED("ipc_recvfd"); }
#endif

#pragma GCC diagnostic pop

#endif
