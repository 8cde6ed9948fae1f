/* Stacks for coroutines: mmap'd with a guard page below, cached for reuse. */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stack.h"
#include "thread.h"

/* Valgrind cannot tell a switch of stacks from a wild stack pointer unless
 * each stack is registered; without valgrind's header these are no-ops. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define DILL_VALGRIND 1
#endif
#endif

#define DILL_STACK_SIZE (1024 * 1024)
#define DILL_STACK_CACHE 64
/* Smallest go_mem buffer we accept: the coroutine's bookkeeping plus room
 * for a few frames.  Anything less cannot run even an empty coroutine. */
#define DILL_STACK_MIN (sizeof(struct dill_cr) + 1024)

/* Stacks of ended coroutines, kept for the next go(): mmap and munmap per
 * coroutine would dominate the cost of a short one. */
static _Thread_local void *dill_stack_cache[DILL_STACK_CACHE];
static _Thread_local int dill_stack_cached;

static size_t dill_page_size(void) {
    static size_t page;
    if(!page)
        page = (size_t)sysconf(_SC_PAGESIZE);
    return page;
}

/* Returns the usable bottom of a DILL_STACK_SIZE stack whose guard page lies
 * just below it (stacks grow down, so an overflow hits the guard). */
static void dill_stacks_free(void);

static void *dill_stack_map(void) {
    if(dill_stack_cached > 0)
        return dill_stack_cache[--dill_stack_cached];
    if(dill_thread_register(dill_stacks_free) < 0)
        return NULL;
    size_t page = dill_page_size();
    /* spine: go/ENOMEM/no-stack-memory */
    /* spine: bundle_go/ENOMEM/no-stack-memory */
    char *m = mmap(NULL, DILL_STACK_SIZE + page, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if(m == MAP_FAILED) {
        errno = ENOMEM;
        return NULL;
    }
    /* spine: go/stack-guarded */
    /* spine: bundle_go/stack-guarded */
    if(mprotect(m, page, PROT_NONE) != 0) {
        munmap(m, DILL_STACK_SIZE + page);
        errno = ENOMEM;
        return NULL;
    }
    return m + page;
}

static void dill_stack_unmap(void *bottom) {
    if(dill_stack_cached < DILL_STACK_CACHE) {
        dill_stack_cache[dill_stack_cached++] = bottom;
        return;
    }
    size_t page = dill_page_size();
    munmap((char *)bottom - page, DILL_STACK_SIZE + page);
}

/* At thread exit: the cached stacks (those in use are the program's). */
static void dill_stacks_free(void) {
    size_t page = dill_page_size();
    while(dill_stack_cached > 0) {
        char *bottom = dill_stack_cache[--dill_stack_cached];
        munmap(bottom - page, DILL_STACK_SIZE + page);
    }
}

/* The coroutine's bookkeeping sits at the top of its stack, 16-byte aligned
 * as both ABIs want the stack pointer below it. */
static struct dill_cr *dill_stack_place(void *bottom, size_t size,
      bool mapped) {
    uintptr_t top = (uintptr_t)bottom + size;
    /* spine: go_mem/unaligned-buffer */
    uintptr_t at = (top - sizeof(struct dill_cr)) & ~(uintptr_t)15;
    struct dill_cr *cr = (struct dill_cr *)at;
    /* Every field but the saved registers, which the first switch fills.
     * Field by field rather than memset: the block is small, and a go()
     * of a short coroutine is cheap enough for a memset's set-up to show. */
    dill_list_init(&cr->ready);
    dill_list_init(&cr->member);
    cr->bundle = NULL;
    dill_list_init(&cr->timer);
    dill_list_init(&cr->waiting);
    cr->fd_next = NULL;
    cr->expiry = 0;
    cr->result = 0;
    cr->blocked = false;
    cr->canceled = false;
    cr->cancelable = false;
    cr->stack = bottom;
    cr->stack_size = at - (uintptr_t)bottom;
    cr->mapped = mapped;
    cr->asan_fake_stack = NULL;
    cr->valgrind_id = 0;
#if defined(DILL_VALGRIND)
    cr->valgrind_id = VALGRIND_STACK_REGISTER(bottom, top);
#endif
    return cr;
}

struct dill_cr *dill_stack_new(void) {
    void *bottom = dill_stack_map();
    if(!bottom)
        return NULL;
    /* spine: go/stack-1MB */
    /* spine: bundle_go/stack-1MB */
    return dill_stack_place(bottom, DILL_STACK_SIZE, true);
}

struct dill_cr *dill_stack_wrap(void *mem, size_t memlen) {
    /* spine: go_mem/ENOMEM/tiny-buffer */
    if(!mem || memlen < DILL_STACK_MIN) {    /* ref/README reading 13 */
        errno = ENOMEM;
        return NULL;
    }
    /* spine: go_mem/stack-in-buffer */
    /* spine: go_mem/example-16KiB-many */
    /* spine: bundle_go_mem/stack-in-buffer */
    return dill_stack_place(mem, memlen, false);
}

void dill_stack_release(struct dill_cr *cr) {
#if defined(DILL_VALGRIND)
    VALGRIND_STACK_DEREGISTER(cr->valgrind_id);
#endif
    if(cr->mapped)
        dill_stack_unmap(cr->stack);
}

void *dill_stack_top(struct dill_cr *cr) {
    return cr;
}
