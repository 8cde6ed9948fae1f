/* x86-64 System V: save and resume the callee-saved state.
 * Layout of struct dill_ctx: rbx rbp r12 r13 r14 r15 rsp rip mxcsr|fpucw. */
#if defined(__x86_64__)
    .text

    .globl dill_ctx_jump
    .hidden dill_ctx_jump
    .type dill_ctx_jump, @function
dill_ctx_jump:
    movq 0(%rdi), %rbx
    movq 8(%rdi), %rbp
    movq 16(%rdi), %r12
    movq 24(%rdi), %r13
    movq 32(%rdi), %r14
    movq 40(%rdi), %r15
    ldmxcsr 64(%rdi)
    fldcw 68(%rdi)
    movq 48(%rdi), %rsp
    movl $1, %eax               /* DILL_CTX_SAVE_ returns a second time, with 1 */
    jmpq *56(%rdi)
    .size dill_ctx_jump, .-dill_ctx_jump

    /* dill_ctx_switch(from = rdi, to = rsi).  The FP control state is
     * loaded only when it differs: ldmxcsr and fldcw are slow, and
     * coroutines seldom change rounding modes. */
    .globl dill_ctx_switch
    .hidden dill_ctx_switch
    .type dill_ctx_switch, @function
dill_ctx_switch:
    movq %rbx, 0(%rdi)
    movq %rbp, 8(%rdi)
    movq %r12, 16(%rdi)
    movq %r13, 24(%rdi)
    movq %r14, 32(%rdi)
    movq %r15, 40(%rdi)
    leaq 8(%rsp), %rdx
    movq %rdx, 48(%rdi)
    movq (%rsp), %rdx
    movq %rdx, 56(%rdi)
    stmxcsr 64(%rdi)
    fnstcw 68(%rdi)
    movl 64(%rsi), %eax
    cmpl 64(%rdi), %eax
    je 1f
    ldmxcsr 64(%rsi)
1:
    movzwl 68(%rsi), %eax
    cmpw 68(%rdi), %ax
    je 2f
    fldcw 68(%rsi)
2:
    movq 0(%rsi), %rbx
    movq 8(%rsi), %rbp
    movq 16(%rsi), %r12
    movq 24(%rsi), %r13
    movq 32(%rsi), %r14
    movq 40(%rsi), %r15
    movq 48(%rsi), %rsp
    movl $1, %eax               /* for a context DILL_CTX_SAVE_ made */
    jmpq *56(%rsi)
    .size dill_ctx_switch, .-dill_ctx_switch
#endif
    .section .note.GNU-stack,"",@progbits
