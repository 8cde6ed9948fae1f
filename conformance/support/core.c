/* Shared pieces for the coroutine core's pages (see core.h). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core.h"

void *ds_stack(size_t bytes) {
    return ds_guarded(bytes);
}

int ds_bundle(bool mem) {
    return mem ? bundle_mem(ds_guarded(sizeof(struct bundle_storage))) : bundle();
}

coroutine void ds_sleeper(int *canceled) {
    if(msleep(-1) == -1 && errno == ECANCELED)
        (*canceled)++;
}

coroutine void ds_nap(int ms, bool *done) {
    if(msleep(now() + ms) == 0)
        *done = true;
}

coroutine void ds_busy_yield(bool *stop) {
    int64_t end = ds_ms() + 3000;
    while(!*stop && ds_ms() < end && yield() == 0)
        ;
}

coroutine void ds_busy_bounce(int s, bool first, bool *stop) {
    char c = 'b';
    int64_t end = ds_ms() + 3000;
    if(first && bsend(s, &c, 1, now() + 1000) != 0)
        return;
    while(!*stop && ds_ms() < end)
        if(brecv(s, &c, 1, now() + 1000) != 0 || bsend(s, &c, 1, now() + 1000) != 0)
            return;
}

coroutine void ds_busy_sleep(bool *stop) {
    int64_t end = ds_ms() + 3000;
    while(!*stop && ds_ms() < end && msleep(now() + 1) == 0)
        ;
}

void ds_pipe(int p[2]) {
    DS_SETUP(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
}

void ds_full_pipe(int p[2]) {
    static char chunk[65536];
    ds_pipe(p);
    while(write(p[1], chunk, sizeof(chunk)) > 0)
        ;
    while(write(p[1], chunk, 1) > 0)
        ;
    DS_SETUP(errno == EAGAIN);
}

/* fdclean(3): "It has to be called before the file descriptor is closed." */
void ds_pipe_close(int p[2]) {
    for(int i = 0; i < 2; i++) {
        fdclean(p[i]);
        DS_SETUP(close(p[i]) == 0);
    }
}

void ds_pipe_drain(int rd) {
    static char chunk[65536];
    while(read(rd, chunk, sizeof(chunk)) > 0)
        ;
}

int ds_mappings(void) {
    FILE *f = fopen("/proc/self/maps", "r");
    DS_SETUP(f != NULL);
    int n = 0, c;
    while((c = getc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static void *page_of(const void *p) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    return (void *)((uintptr_t)p & ~(page - 1));
}

/* process_vm_readv/writev fail with EFAULT where the process could not
 * read or write, without a signal. */
bool ds_page_writable(const void *p) {
    char byte;
    struct iovec mine = {&byte, 1}, there = {page_of(p), 1};
    pid_t self = getpid();
    if(process_vm_readv(self, &mine, 1, &there, 1, 0) != 1)
        return false;
    return process_vm_writev(self, &mine, 1, &there, 1, 0) == 1;
}

/* mincore(2) fails with ENOMEM for a page that is not mapped. */
bool ds_page_mapped(const void *p) {
    unsigned char vec;
    return mincore(page_of(p), 1, &vec) == 0;
}

#define DS_MIB (1024 * 1024)

coroutine void ds_probe_stack(struct ds_stack_probe *p) {
    char here;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    *p = (struct ds_stack_probe){(uintptr_t)&here, 0, 0, false};
    for(size_t off = page; off <= 2 * DS_MIB; off += page) {
        const char *at = &here - off;
        if(!ds_page_writable(at)) {
            p->guard = off;
            p->guard_mapped = ds_page_mapped(at);
            return;
        }
        p->writable = off;
    }
}

/* Its frames above the probe use a few KiB of the 1 MiB at most. */
void ds_expect_stack_1MB(const struct ds_stack_probe *p) {
    cr_assert(p->writable >= DS_MIB - 64 * 1024, "FAIL: only %zu KiB of stack "
        "below the coroutine's frame, expected about 1024 KiB", p->writable / 1024);
}

void ds_expect_stack_guarded(const struct ds_stack_probe *p) {
    cr_assert(p->guard != 0 && p->guard <= DS_MIB + 64 * 1024, "FAIL: no page "
        "the coroutine cannot write within %d KiB below its frame",
        (DS_MIB + 64 * 1024) / 1024);
    cr_assert(p->guard_mapped, "FAIL: %zu KiB below the coroutine's frame its "
        "stack ends in unmapped memory, not a guard page (another mapping may "
        "take that place)", p->guard / 1024);
}
