/* Saving and resuming execution contexts: the one piece of ref written in
 * assembly (ctx_x86_64.S, ctx_aarch64.S).  The go() macro in libdill.h
 * saves its caller with an inline copy of dill_ctx_save (DILL_CTX_SAVE_)
 * that fills the same layout, so dill_ctx_jump resumes both alike. */
#ifndef DILL_CTX_H
#define DILL_CTX_H

#include <stdint.h>

/* Callee-saved registers, stack pointer and resume address: 9 words on
 * x86-64 (+ mxcsr/x87 control word), 21 on aarch64. */
struct dill_ctx {
    uint64_t regs[22];
};

/* Returns 0 when called, and 1 when dill_ctx_jump resumes it. */
__attribute__((returns_twice)) int dill_ctx_save(void *ctx);
__attribute__((noreturn)) void dill_ctx_jump(struct dill_ctx *ctx);
/* Saves the caller in `from` and resumes `to`; returns when `from` is
 * resumed.  One call instead of dill_ctx_save + dill_ctx_jump: the switch
 * between two coroutines is the scheduler's most frequent operation. */
void dill_ctx_switch(struct dill_ctx *from, struct dill_ctx *to);

#endif
