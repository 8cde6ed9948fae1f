/* Guarded storage (see dc_guarded.h). */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dc_guarded.h"

#define CANARY 0xA5

void *dc_guarded(size_t size) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (size + 64 + page - 1) / page * page;
    char *m = mmap(NULL, span + page, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if(m == MAP_FAILED)
        return NULL;
    if(mprotect(m + span, page, PROT_NONE) != 0) {
        munmap(m, span + page);
        return NULL;
    }
    memset(m, CANARY, span);
    return m + span - size;    /* ends exactly at the guard page */
}

/* The canary starts at the page boundary at least 64 bytes before `mem`. */
size_t dc_guarded_overrun(const void *mem) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const unsigned char *end = mem;
    const unsigned char *p = (const unsigned char *)
        (((uintptr_t)end - 64) & ~(uintptr_t)(page - 1));
    for(; p < end; p++)
        if(*p != CANARY)
            return (size_t)(end - p);
    return 0;
}
