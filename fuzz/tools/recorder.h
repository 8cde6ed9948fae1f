/*
 * recorder.h - what the recorder's files share (see recorder.c): a record
 * being written, the helpers that write its fields, and the macros each
 * wrapper is made of.
 */
#ifndef DILLSPEC_RECORDER_H
#define DILLSPEC_RECORDER_H

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <libdill.h>

/* A record being written: each call has its own, on its own stack, since
 * a call that blocks lets other coroutines' calls be recorded meanwhile. */
struct rec {
    bool on;
    long id;
    size_t at;
    char line[40000];
};

void put(struct rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void begin(struct rec *r, void *ret, void *frame, const char *fn);
void started(struct rec *r);
void ret(struct rec *r, long rc, int err);
void flush(struct rec *r);
/* A coroutine started: its stack's top names it (cN, N its number). */
int new_stack(void *top);

void arg_int(struct rec *r, long v);
void arg_deadline(struct rec *r, int64_t dl);
void arg_str(struct rec *r, const char *s);
void arg_mem(struct rec *r, const void *p);
void arg_bytes(struct rec *r, const void *buf, size_t len);
void arg_iolist(struct rec *r, struct iolist *first, struct iolist *last, bool sending);
void arg_sockaddr(struct rec *r, const struct sockaddr *a, socklen_t len);
uint32_t fnv(uint32_t h, const void *p, size_t n);
uint32_t list_sum(struct iolist *first, struct iolist *last);

#define REAL(name) \
    static __typeof__(name) *real_; \
    if(!real_) \
        real_ = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

#define ENTER(name) \
    REAL(name); \
    struct rec rec_; \
    begin(&rec_, __builtin_return_address(0), __builtin_frame_address(0), #name)

/* The call returns: its result, then what it wrote (out-parameters, the
 * checksum of what it received). */
#define RETURN(rc_expr, ...) do { \
    started(&rec_); \
    long rc_ = (long)(rc_expr); \
    int err_ = errno; \
    if(rec_.on) { \
        ret(&rec_, rc_, err_); \
        __VA_ARGS__; \
        flush(&rec_); \
    } \
    errno = err_; \
    return (int)rc_; \
} while(0)

#endif
