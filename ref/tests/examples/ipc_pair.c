/* The EXAMPLEs of ipc_pair(3), ipc_pair_mem(3), bsend(3) and brecv(3).
 * Changes: the pair is then used and closed; checks on the results. */
#include <libdill.h>

#include "../smoke.h"

int main(void) {
    int s[2];
    int rc = ipc_pair(s);
    CHECK(rc == 0);

    struct ipc_pair_storage mem;
    int t[2];
    CHECK(ipc_pair_mem(&mem, t) == 0);

    {
        int s = t[0];
        int rc = bsend(s, "ABC", 3, -1);
        CHECK(rc == 0);
    }
    {
        int s = t[1];
        char msg[100];
        int rc = brecv(s, msg, 3, -1);  /* the page asks for sizeof(msg) */
        CHECK(rc == 0);
        CHECK(memcmp(msg, "ABC", 3) == 0);
    }
    for(int i = 0; i < 2; i++) {
        CHECK(hclose(s[i]) == 0);
        CHECK(hclose(t[i]) == 0);
    }
    return 0;
}
