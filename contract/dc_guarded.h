/*
 * dc_guarded.h - storage for `_mem` objects that catches writes outside it:
 * it ends flush against a PROT_NONE page (a write past its end faults) and
 * canary bytes fill its pages before it (a write before it shows).
 */
#ifndef DC_GUARDED_H
#define DC_GUARDED_H

#include <stddef.h>

/* `size` bytes of guarded storage, or NULL if it cannot be mapped. */
void *dc_guarded(size_t size);

/* How far before `mem` (from dc_guarded) the farthest write reached: 0 if
 * the canary is intact. */
size_t dc_guarded_overrun(const void *mem);

#endif
