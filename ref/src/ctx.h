/* Saving and resuming execution contexts: the one piece of ref written in
 * assembly (ctx_x86_64.S, ctx_aarch64.S).  The go() macro in libdill.h
 * saves its caller inline (DILL_CTX_SAVE_) in the layout dill_ctx_switch's
 * first half writes, so dill_ctx_jump and dill_ctx_switch resume both alike. */
#ifndef DILL_CTX_H
#define DILL_CTX_H

#include <stdint.h>

/* Callee-saved registers, stack pointer and resume address: 9 words on
 * x86-64 (+ mxcsr/x87 control word), 21 on aarch64. */
struct dill_ctx {
    uint64_t regs[22];
};

/* Resumes `ctx`, saved by dill_ctx_switch or DILL_CTX_SAVE_. */
__attribute__((noreturn)) void dill_ctx_jump(struct dill_ctx *ctx);
/* Saves the caller in `from` and resumes `to`; returns when `from` is
 * resumed.  One call, not a save and a jump: the switch between two
 * coroutines is the scheduler's most frequent operation. */
void dill_ctx_switch(struct dill_ctx *from, struct dill_ctx *to);

#endif
