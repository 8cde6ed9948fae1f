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

/* Drops effective root (keeping it saved) so that file permissions apply;
 * no-op when not root.  ds_regain_root() undoes it. */
void ds_drop_root(void);
void ds_regain_root(void);

#endif
