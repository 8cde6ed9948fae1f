/* Stand-ins for the optional functions a target lacks (see
 * cmake/dill_available.h), so that the harnesses link against older
 * releases.  The decoder and the harnesses skip the calls of an absent
 * function (fz_absent), so reaching one is the harness's own bug. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

_Noreturn void fz_absent_called(const char *fn);
_Noreturn void fz_absent_called(const char *fn) {
    fprintf(stderr, "dillspec-fuzz: %s called, but the target does not provide it "
        "(is DILLSPEC_FUZZ_ABSENT set?)\n", fn);
    abort();
}

#if !DS_HAVE_ipc_fromfd
int ipc_fromfd(int fd) { (void)fd; fz_absent_called("ipc_fromfd"); }
#endif
#if !DS_HAVE_ipc_fromfd_mem
int ipc_fromfd_mem(int fd, struct ipc_storage *mem) { (void)fd, (void)mem; fz_absent_called("ipc_fromfd_mem"); }
#endif
#if !DS_HAVE_ipc_listener_fromfd
int ipc_listener_fromfd(int fd) { (void)fd; fz_absent_called("ipc_listener_fromfd"); }
#endif
#if !DS_HAVE_ipc_listener_fromfd_mem
int ipc_listener_fromfd_mem(int fd, struct ipc_listener_storage *mem) {
    (void)fd, (void)mem;
    fz_absent_called("ipc_listener_fromfd_mem");
}
#endif
#if !DS_HAVE_ipc_sendfd
int ipc_sendfd(int s, int fd, int64_t deadline) { (void)s, (void)fd, (void)deadline; fz_absent_called("ipc_sendfd"); }
#endif
#if !DS_HAVE_ipc_recvfd
int ipc_recvfd(int s, int64_t deadline) { (void)s, (void)deadline; fz_absent_called("ipc_recvfd"); }
#endif

