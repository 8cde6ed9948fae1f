/* One end of a connection, driven either with bare syscalls or through the
 * target library, so that each traffic pattern below is written once and
 * both sides of every comparison run the very same loop. */
#ifndef DILLSPEC_BENCH_LINK_H
#define DILLSPEC_BENCH_LINK_H
#include <stddef.h>
#include <stdint.h>

struct job;
struct stream;

enum link_kind { LINK_RAW, LINK_DILL };

struct link {
    enum link_kind kind;
    int fd;             /* LINK_RAW: a blocking socket; LINK_DILL: a handle */
    int64_t deadline;   /* LINK_DILL: taken once per run */
};

/* Return 0, or -1 with errno set. */
int link_send(const struct link *l, const void *base, size_t size, int pieces);
int link_recv(const struct link *l, void *base, size_t size, int pieces);

/* The traffic patterns.  Return 0, or -1 (said on stderr). */
/* job->count messages of job->size bytes, message i from the pattern. */
int link_send_stream(const struct link *l, const struct job *job, const struct stream *st);
/* The same, received into st->rbuf, each message added to st->got. */
int link_recv_stream(const struct link *l, const struct job *job, struct stream *st);
/* Sends `count` one-byte pings, checking that each comes back unchanged. */
int link_ping(const struct link *l, uint64_t count);
/* Sends back each of `count` bytes as it arrives. */
int link_echo(const struct link *l, uint64_t count);

#endif
