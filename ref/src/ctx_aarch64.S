/* AArch64 AAPCS64: save and resume the callee-saved state.
 * Layout of struct dill_ctx: x19..x28, x29 (fp), x30 (lr), sp, d8..d15. */
#if defined(__aarch64__)
    .text

    .globl dill_ctx_jump
    .hidden dill_ctx_jump
    .type dill_ctx_jump, %function
dill_ctx_jump:
    ldp x19, x20, [x0, #0]
    ldp x21, x22, [x0, #16]
    ldp x23, x24, [x0, #32]
    ldp x25, x26, [x0, #48]
    ldp x27, x28, [x0, #64]
    ldp x29, x30, [x0, #80]
    ldr x2, [x0, #96]
    mov sp, x2
    ldp d8, d9, [x0, #104]
    ldp d10, d11, [x0, #120]
    ldp d12, d13, [x0, #136]
    ldp d14, d15, [x0, #152]
    mov w0, #1                  /* DILL_CTX_SAVE_ returns a second time, with 1 */
    ret                         /* to x30, the saved return address */
    .size dill_ctx_jump, .-dill_ctx_jump

    /* dill_ctx_switch(from = x0, to = x1): save, then jump. */
    .globl dill_ctx_switch
    .hidden dill_ctx_switch
    .type dill_ctx_switch, %function
dill_ctx_switch:
    stp x19, x20, [x0, #0]
    stp x21, x22, [x0, #16]
    stp x23, x24, [x0, #32]
    stp x25, x26, [x0, #48]
    stp x27, x28, [x0, #64]
    stp x29, x30, [x0, #80]
    mov x2, sp
    str x2, [x0, #96]
    stp d8, d9, [x0, #104]
    stp d10, d11, [x0, #120]
    stp d12, d13, [x0, #136]
    stp d14, d15, [x0, #152]
    mov x0, x1
    b dill_ctx_jump
    .size dill_ctx_switch, .-dill_ctx_switch
#endif
    .section .note.GNU-stack,"",%progbits
