/* One message through the target library: bsend/brecv, or bsendl/brecvl
 * with the message cut into a four-element iolist. */
#ifndef DILLSPEC_BENCH_DILL_IO_H
#define DILLSPEC_BENCH_DILL_IO_H
#include <stddef.h>
#include <stdint.h>

/* Return 0, or -1 with errno set by the library.  The deadline is taken
 * once per run (now() + BENCH_DEADLINE_MS), not per message, so the clock
 * read stays out of the per-call cost. */
int dill_send_msg(int h, const void *base, size_t size, int pieces, int64_t deadline);
int dill_recv_msg(int h, void *base, size_t size, int pieces, int64_t deadline);


#endif
