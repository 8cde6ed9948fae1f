/* Failures nature will not provide on demand, injected: EMFILE by lowering
 * RLIMIT_NOFILE, and any errno from chosen syscalls by a seccomp filter
 * (libseccomp's errno action) - the kernel's own way of failing, so it
 * works for any target.  Both last until the test's process ends, which
 * Criterion gives each test. */
#ifndef DS_INJECT_H
#define DS_INJECT_H

/* No new fd can be opened from now on (EMFILE). */
void ds_inject_emfile(void);
/* Undoes it (the end-of-test checks need fds of their own). */
void ds_restore_emfile(void);

/* The named syscalls fail with `err` from now on; NULL ends the list. */
void ds_inject_syscall_errno(int err, const char *const *syscalls);

/* No new fd from now on, system-wide as far as the process can tell: every
 * call that makes one fails with ENFILE (dup, socket, pipe, epoll_create
 * ...), except open/openat, which the end-of-test checks need to read
 * /proc/self/fd.  The objects in scope make their fds with the others. */
void ds_inject_enfile(void);

/* No memory for a coroutine's stack from now on: an mmap of 64 KiB or more
 * and making a page inaccessible (a stack's guard) fail with ENOMEM.  Small
 * allocations still succeed: malloc takes them from the heap (brk).  Under
 * AddressSanitizer (ref only) just the mmaps marked MAP_STACK fail, as
 * ref's stacks are: ASan's own leak check needs a guarded stack too. */
void ds_inject_no_stack_memory(void);

/* Drops effective root (keeping it saved) so that file permissions apply;
 * no-op when not root.  ds_regain_root() undoes it. */
void ds_drop_root(void);
void ds_regain_root(void);

#endif
