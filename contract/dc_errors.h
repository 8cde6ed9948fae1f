/*
 * dc_errors.h - the contract's ERRORS tables: for every in-scope function,
 * the errnos its page lists, as data both judges read (the conformance
 * suite's <PAGE>_ERRS, the fuzz harnesses' undocumented-errno check).
 *
 * The tables are written once, in dc_errors.c; dillspec-contract-check
 * (a test) reads the pages themselves and fails when a table and its page
 * disagree.
 */
#ifndef DC_ERRORS_H
#define DC_ERRORS_H

#include <stdbool.h>

/* One per page, in the order of dc_errors.c; ipc_sendfd and ipc_recvfd
 * share the project's page ipc_sendfd.md. */
enum dc_fn {
    DC_IPC_LISTEN, DC_IPC_LISTEN_MEM, DC_IPC_ACCEPT, DC_IPC_ACCEPT_MEM,
    DC_IPC_CONNECT, DC_IPC_CONNECT_MEM, DC_IPC_PAIR, DC_IPC_PAIR_MEM,
    DC_IPC_FROMFD, DC_IPC_FROMFD_MEM, DC_IPC_LISTENER_FROMFD,
    DC_IPC_LISTENER_FROMFD_MEM, DC_IPC_DONE, DC_IPC_CLOSE, DC_IPC_SENDFD,
    DC_IPC_RECVFD, DC_BSEND, DC_BRECV, DC_BSENDL, DC_BRECVL, DC_HCLOSE,
    DC_HOWN, DC_NOW, DC_GO, DC_GO_MEM, DC_BUNDLE, DC_BUNDLE_MEM, DC_BUNDLE_GO,
    DC_BUNDLE_GO_MEM, DC_BUNDLE_WAIT, DC_MSLEEP, DC_YIELD, DC_FDIN, DC_FDOUT,
    DC_FDCLEAN,
    DC_NFNS
};

/* "ipc_listen", ... */
const char *dc_fn_name(enum dc_fn fn);
/* The page the table comes from: "ipc_listen.txt" (libdill's manual, as
 * text), or "ipc_sendfd.md" (the project's page for ipc_sendfd/recvfd). */
const char *dc_fn_page(enum dc_fn fn);
/* The function's ERRORS table, zero-terminated, in the page's order. */
const int *dc_errors(enum dc_fn fn);
/* The errnos its page lists for any function it describes: the function's
 * own table, except for ipc_sendfd.md, which lists both functions'. */
const int *dc_page_errors(enum dc_fn fn);
/* True when `err` is in the function's table. */
bool dc_documented(enum dc_fn fn, int err);
/* The function called `name`, or -1. */
int dc_fn_by_name(const char *name);

/* The errno's name as the pages spell it ("ENOTSUP", not glibc's
 * "EOPNOTSUPP" for the same number); "0" for 0; "E<number>" for a number
 * glibc does not name.  From strerrorname_np(3): no table of our own.  The
 * result stays valid until the next call with an unnamed number. */
const char *dc_errname(int err);

#endif
