/* The optional functions a target lacks (cmake/dill_standins.h): a test
 * that needs one to set up another page's check, say a connection made with
 * ipc_fromfd, ends UNRESOLVED instead of calling a null address.  The
 * absent page's own tests never get here (DS_TEST reports them as
 * missing). */
#include "support.h"

#define DILL_STANDIN_CALLED(name) ds_needs_absent(name)
#include "dill_standins.h"

/* An ISO C translation unit must declare something. */
extern int ds_absent_unit;
