/* What the benchmark and its peer process say to each other. */
#ifndef DILLSPEC_BENCH_PEER_WIRE_H
#define DILLSPEC_BENCH_PEER_WIRE_H
#include <stdint.h>

/* Same machine, same binary: native byte order is fine. */
struct peer_cmd {
    uint32_t op;        /* enum peer_op */
    uint32_t pieces;
    uint64_t size;
    uint64_t count;
};

static const char PEER_READY_BYTE = 'R';  /* peer -> us: prepared */
static const char PEER_GO_BYTE = 'G';     /* us -> peer: the clock runs */

#endif
