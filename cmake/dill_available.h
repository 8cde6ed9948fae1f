/* The target's libdill.h, plus what it may lack.
 *
 * Older releases lack functions that are in scope (libdill 2.12 has no
 * ipc_sendfd/ipc_recvfd; its header declares ipc_fromfd, which its library
 * does not export).  cmake/DillTarget.cmake probes each function and writes
 * DS_HAVE_<function> (1 or 0) to dill_probe.h.  Here every absent function
 * is declared, as its page gives it, so that code naming it still compiles;
 * whoever includes this must either test DS_HAVE_<function> before calling
 * it or link a definition of its own for the absent ones (the conformance
 * suite's support/absent.c; the fuzz harnesses skip such calls). */
#ifndef DILL_AVAILABLE_H
#define DILL_AVAILABLE_H

#include <libdill.h>
#include <stdint.h>

#include "dill_probe.h"

/* Macros in every release, not functions to probe; both spellings, as
 * for the probed ones (a page name passed through a macro meets libdill.h's
 * raw-name macros: go -> dill_go). */
#define DS_HAVE_go 1
#define DS_HAVE_go_mem 1
#define DS_HAVE_bundle_go 1
#define DS_HAVE_bundle_go_mem 1
#define DS_HAVE_dill_go 1
#define DS_HAVE_dill_go_mem 1
#define DS_HAVE_dill_bundle_go 1
#define DS_HAVE_dill_bundle_go_mem 1

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
#if !DS_HAVE_ipc_sendfd
int ipc_sendfd(int s, int fd, int64_t deadline);
#endif
#if !DS_HAVE_ipc_recvfd
int ipc_recvfd(int s, int64_t deadline);
#endif

#endif
