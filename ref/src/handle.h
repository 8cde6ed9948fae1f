/* Handles: the integers that name every object (hclose(3), hown(3)). */
#ifndef DILL_HANDLE_H
#define DILL_HANDLE_H

/* What every object behind a handle implements.  `query` returns the
 * object's interface of the given type (identified by the address of a
 * type tag), or NULL when it has none. */
struct dill_hvfs {
    void *(*query)(struct dill_hvfs *vfs, const void *type);
    void (*close)(struct dill_hvfs *vfs);
};

/* A new handle for the object, or -1 with errno ENOMEM. */
int dill_hmake(struct dill_hvfs *vfs);

/* The handle's interface of `type`; NULL with errno EBADF for a handle that
 * is not open, ENOTSUP for an object without that interface. */
void *dill_hquery(int h, const void *type);

#endif
