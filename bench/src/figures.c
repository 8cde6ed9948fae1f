#include "figures.h"

/* Stream names: stream.<pair|proc>.<bsend|iolist4>.<message size>.  pair is
 * two ends in one process (ipc_pair; a socketpair for the baseline), proc
 * the peer in another process (ipc_listen/ipc_connect; blocking sockets).
 * iolist4 sends and receives each message as a four-element iolist
 * (bsendl/brecvl; sendmsg/recvmsg with four iovecs). */
const struct figure figures[] = {
    {"stream.pair.bsend.1B", UNIT_MIB_PER_S, 1, 1, 0, 16384, raw_local_stream, dill_local_stream},
    {"stream.pair.bsend.64B", UNIT_MIB_PER_S, 64, 1, 0, 256, raw_local_stream, dill_local_stream},
    {"stream.pair.bsend.1KiB", UNIT_MIB_PER_S, 1024, 1, 0, 64, raw_local_stream, dill_local_stream},
    {"stream.pair.bsend.64KiB", UNIT_MIB_PER_S, 65536, 1, 0, 4, raw_local_stream, dill_local_stream},
    {"stream.pair.bsend.1MiB", UNIT_MIB_PER_S, 1048576, 1, 0, 2, raw_local_stream, dill_local_stream},
    {"stream.pair.iolist4.1B", UNIT_MIB_PER_S, 1, 4, 0, 16384, raw_local_stream, dill_local_stream},
    {"stream.pair.iolist4.64B", UNIT_MIB_PER_S, 64, 4, 0, 256, raw_local_stream, dill_local_stream},
    {"stream.pair.iolist4.1KiB", UNIT_MIB_PER_S, 1024, 4, 0, 64, raw_local_stream, dill_local_stream},
    {"stream.pair.iolist4.64KiB", UNIT_MIB_PER_S, 65536, 4, 0, 4, raw_local_stream, dill_local_stream},
    {"stream.pair.iolist4.1MiB", UNIT_MIB_PER_S, 1048576, 4, 0, 2, raw_local_stream, dill_local_stream},
    {"stream.proc.bsend.1B", UNIT_MIB_PER_S, 1, 1, 1, 16384, remote_stream, remote_stream},
    {"stream.proc.bsend.64B", UNIT_MIB_PER_S, 64, 1, 1, 256, remote_stream, remote_stream},
    {"stream.proc.bsend.1KiB", UNIT_MIB_PER_S, 1024, 1, 1, 64, remote_stream, remote_stream},
    {"stream.proc.bsend.64KiB", UNIT_MIB_PER_S, 65536, 1, 1, 4, remote_stream, remote_stream},
    {"stream.proc.bsend.1MiB", UNIT_MIB_PER_S, 1048576, 1, 1, 2, remote_stream, remote_stream},
    {"stream.proc.iolist4.1B", UNIT_MIB_PER_S, 1, 4, 1, 16384, remote_stream, remote_stream},
    {"stream.proc.iolist4.64B", UNIT_MIB_PER_S, 64, 4, 1, 256, remote_stream, remote_stream},
    {"stream.proc.iolist4.1KiB", UNIT_MIB_PER_S, 1024, 4, 1, 64, remote_stream, remote_stream},
    {"stream.proc.iolist4.64KiB", UNIT_MIB_PER_S, 65536, 4, 1, 4, remote_stream, remote_stream},
    {"stream.proc.iolist4.1MiB", UNIT_MIB_PER_S, 1048576, 4, 1, 2, remote_stream, remote_stream},
    {"rtt.pair.1B", UNIT_USEC, 1, 1, 0, 2000, raw_local_pingpong, dill_local_pingpong},
    {"rtt.proc.1B", UNIT_USEC, 1, 1, 1, 1000, remote_pingpong, remote_pingpong},
    {"connect.accept.close", UNIT_PER_S, 0, 1, 0, 200, raw_local_connections, dill_local_connections},
    {"coroutine.go", UNIT_NSEC, 0, 1, 0, 10000, raw_go_empty, dill_go_empty},
    {"coroutine.yield", UNIT_NSEC, 0, 1, 0, 20000, raw_yield_switch, dill_yield_switch},
};
const size_t figure_count = sizeof figures / sizeof figures[0];

const char *unit_label(enum unit u) {
    switch(u) {
    case UNIT_MIB_PER_S: return "MiB/s";
    case UNIT_USEC: return "us/rtt";
    case UNIT_PER_S: return "conn/s";
    case UNIT_NSEC: return "ns";
    }
    return "?";
}

double unit_value(const struct figure *f, double ns_per_op) {
    switch(f->unit) {
    case UNIT_MIB_PER_S: return (double)f->size / ns_per_op * 1e9 / (1024.0 * 1024.0);
    case UNIT_USEC: return ns_per_op / 1000.0;
    case UNIT_PER_S: return 1e9 / ns_per_op;
    case UNIT_NSEC: return ns_per_op;
    }
    return 0;
}
