/* Stand-ins for the optional functions a target lacks (see
 * dill_available.h), so that a program links against older releases.
 * Included once, by one file of each program, after it defines
 * DILL_STANDIN_CALLED(name): what reaching a stand-in means there (the
 * conformance suite: the test cannot be set up; the fuzz harnesses: their
 * own bug, since they skip the calls of an absent function). */
#ifndef DILL_STANDINS_H
#define DILL_STANDINS_H

#include "dill_available.h"

#if !DS_HAVE_ipc_fromfd
int ipc_fromfd(int fd) {
    (void)fd;
    DILL_STANDIN_CALLED("ipc_fromfd");
}
#endif
#if !DS_HAVE_ipc_fromfd_mem
int ipc_fromfd_mem(int fd, struct ipc_storage *mem) {
    (void)fd, (void)mem;
    DILL_STANDIN_CALLED("ipc_fromfd_mem");
}
#endif
#if !DS_HAVE_ipc_listener_fromfd
int ipc_listener_fromfd(int fd) {
    (void)fd;
    DILL_STANDIN_CALLED("ipc_listener_fromfd");
}
#endif
#if !DS_HAVE_ipc_listener_fromfd_mem
int ipc_listener_fromfd_mem(int fd, struct ipc_listener_storage *mem) {
    (void)fd, (void)mem;
    DILL_STANDIN_CALLED("ipc_listener_fromfd_mem");
}
#endif
#if !DS_HAVE_ipc_sendfd
int ipc_sendfd(int s, int fd, int64_t deadline) {
    (void)s, (void)fd, (void)deadline;
    DILL_STANDIN_CALLED("ipc_sendfd");
}
#endif
#if !DS_HAVE_ipc_recvfd
int ipc_recvfd(int s, int64_t deadline) {
    (void)s, (void)deadline;
    DILL_STANDIN_CALLED("ipc_recvfd");
}
#endif

#endif
