/* Stand-ins for the optional functions a target lacks (see
 * cmake/dill_available.h): a test that needs one to set up another page's
 * check, say a connection made with ipc_fromfd, ends UNRESOLVED instead of
 * calling a null address.  The absent page's own tests never get here
 * (DS_TEST reports them as missing). */
#include "support.h"

#if !DS_HAVE_ipc_fromfd
int ipc_fromfd(int fd) { (void)fd; ds_needs_absent("ipc_fromfd"); }
#endif
#if !DS_HAVE_ipc_fromfd_mem
int ipc_fromfd_mem(int fd, struct ipc_storage *mem) {
    (void)fd, (void)mem;
    ds_needs_absent("ipc_fromfd_mem");
}
#endif
#if !DS_HAVE_ipc_listener_fromfd
int ipc_listener_fromfd(int fd) { (void)fd; ds_needs_absent("ipc_listener_fromfd"); }
#endif
#if !DS_HAVE_ipc_listener_fromfd_mem
int ipc_listener_fromfd_mem(int fd, struct ipc_listener_storage *mem) {
    (void)fd, (void)mem;
    ds_needs_absent("ipc_listener_fromfd_mem");
}
#endif
#if !DS_HAVE_ipc_sendfd
int ipc_sendfd(int s, int fd, int64_t deadline) {
    (void)s, (void)fd, (void)deadline;
    ds_needs_absent("ipc_sendfd");
}
#endif
#if !DS_HAVE_ipc_recvfd
int ipc_recvfd(int s, int64_t deadline) {
    (void)s, (void)deadline;
    ds_needs_absent("ipc_recvfd");
}
#endif

/* An ISO C translation unit must declare something. */
extern int ds_absent_unit;
