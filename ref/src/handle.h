/* Handles: the integers that name every object (hclose(3), hown(3)).  The
 * interface (struct dill_hvfs, dill_hmake, dill_hquery) is public, in
 * libdillimpl.h, so that programs can add their own handle types. */
#ifndef DILL_HANDLE_H
#define DILL_HANDLE_H

#include "libdillimpl.h"

#endif
