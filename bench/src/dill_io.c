#include "dill_io.h"

#include <libdill.h>

#include "pattern.h"

/* Links the four pieces of a message into a list, first to last. */
static void iolist_split(struct iolist iol[4], void *base, size_t size) {
    for(int k = 0; k != 4; ++k) {
        iol[k].iol_base = (char *)base + piece_offset(size, 4, k);
        iol[k].iol_len = piece_length(size, 4, k);
        iol[k].iol_next = k == 3 ? NULL : &iol[k + 1];
        iol[k].iol_rsvd = 0;
    }
}

int dill_send_msg(int h, const void *base, size_t size, int pieces, int64_t deadline) {
    if(pieces == 1) return bsend(h, base, size, deadline);
    struct iolist iol[4];
    iolist_split(iol, (void *)base, size);
    return bsendl(h, &iol[0], &iol[3], deadline);
}

int dill_recv_msg(int h, void *base, size_t size, int pieces, int64_t deadline) {
    if(pieces == 1) return brecv(h, base, size, deadline);
    struct iolist iol[4];
    iolist_split(iol, base, size);
    return brecvl(h, &iol[0], &iol[3], deadline);
}

