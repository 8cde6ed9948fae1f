/*
 * libdillimpl.h - the handle layer of dillspec's reference libdill, for
 * programs that define their own handle types.
 *
 * Source-compatible with the header of that name libdill installs, for the
 * parts in ref's scope: handles (hmake, hquery, struct hvfs) and the
 * bytestream interface (bsock_type, struct bsock_vfs), so that hclose(3),
 * bsend(3), brecv(3), bsendl(3) and brecvl(3) work on a user's object.
 *
 * An object embeds a struct hvfs and gets a handle from hmake().  hquery()
 * asks the object, through vfs->query, for its interface of a given type;
 * a type is the address of something unique to it, compared by address.
 * hclose() forgets the handle and then calls vfs->close, which frees the
 * object.  One object has one handle (hown(3) moves it to a new number).
 */
#ifndef LIBDILLIMPL_H_INCLUDED
#define LIBDILLIMPL_H_INCLUDED

#include "libdill.h"

#ifdef __cplusplus
extern "C" {
#endif

/******************************************************************************/
/*  Handles                                                                   */
/******************************************************************************/

struct dill_hvfs {
    /* The object's interface of `type`, or NULL when it has none (the
     * caller then fails with ENOTSUP). */
    void *(*query)(struct dill_hvfs *vfs, const void *type);
    /* Frees the object; the handle is already gone. */
    void (*close)(struct dill_hvfs *vfs);
};

/* A new handle for the object; -1 with errno ENOMEM, or EINVAL for a NULL
 * vfs or one without query or close. */
DILL_EXPORT int dill_hmake(struct dill_hvfs *vfs);

/* The handle's interface of `type`; NULL with errno EBADF for a handle that
 * is not open, ENOTSUP for an object without that interface. */
DILL_EXPORT void *dill_hquery(int h, const void *type);

/******************************************************************************/
/*  Bytestreams                                                               */
/******************************************************************************/

/* The type a bytestream object answers with its struct bsock_vfs. */
DILL_EXPORT extern const void *dill_bsock_type;

/* Called by bsend(3) ... brecvl(3) after they have checked the handle and
 * the list (the EINVAL rules of bsendl(3)/brecvl(3)) and that the calling
 * coroutine is not canceled.  0, or -1 with errno. */
struct dill_bsock_vfs {
    int (*bsendl)(struct dill_bsock_vfs *vfs, struct dill_iolist *first,
        struct dill_iolist *last, int64_t deadline);
    int (*brecvl)(struct dill_bsock_vfs *vfs, struct dill_iolist *first,
        struct dill_iolist *last, int64_t deadline);
};

#if !defined DILL_DISABLE_RAW_NAMES
#define hvfs dill_hvfs
#define hmake dill_hmake
#define hquery dill_hquery
#define bsock_vfs dill_bsock_vfs
#define bsock_type dill_bsock_type
#endif

#ifdef __cplusplus
}
#endif

#endif /* LIBDILLIMPL_H_INCLUDED */
