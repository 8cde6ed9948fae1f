/* Coroutine stacks: where a coroutine and its struct dill_cr live. */
#ifndef DILL_STACK_H
#define DILL_STACK_H

#include <stddef.h>

#include "runtime.h"

/* go(3): "The coroutine gets a 1MB stack.  The stack is guarded by a
 * non-writeable memory page."  Returns a coroutine placed at the top of a
 * fresh stack, or NULL with errno ENOMEM. */
struct dill_cr *dill_stack_new(void);

/* go_mem(3): the caller's buffer, "doesn't have to be aligned", holds both
 * the coroutine and its stack.  NULL with errno ENOMEM when it is too small
 * (or NULL). */
struct dill_cr *dill_stack_wrap(void *mem, size_t memlen);

/* Gives back the stack of an ended coroutine (a no-op for go_mem's). */
void dill_stack_release(struct dill_cr *cr);

/* Where the coroutine's stack pointer starts: just below its struct. */
void *dill_stack_top(struct dill_cr *cr);

#endif
