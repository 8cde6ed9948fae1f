/* Bundles (bundle.c): the objects behind go(3)'s and bundle(3)'s handles. */
#ifndef DILL_BUNDLE_H
#define DILL_BUNDLE_H

#include "runtime.h"

extern const int dill_bundle_type;

/* Puts a new coroutine into the bundle behind handle `h`. 0, or -1 with
 * errno EBADF or ENOTSUP. */
int dill_bundle_adopt(int h, struct dill_cr *cr);

/* Takes an ending coroutine out of its bundle; when it was the last one,
 * the bundle's waiters wake. */
void dill_bundle_remove(struct dill_bundle *b, struct dill_cr *cr);

#endif
