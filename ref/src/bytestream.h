/* The bytestream interface (bsend(3), brecv(3), bsendl(3), brecvl(3)) that
 * connection objects implement: dill_bsock_type and struct dill_bsock_vfs,
 * public in libdillimpl.h.  A vfs is called with a list already checked by
 * dill_iolist_check(). */
#ifndef DILL_BYTESTREAM_H
#define DILL_BYTESTREAM_H

#include "libdillimpl.h"

#endif
