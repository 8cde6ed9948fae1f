/* The checks each step is followed by (defined below program(), with the
 * run: each program uses some of them). */
#define HELPER static __attribute__((unused))

/* A step is one recorded call: what it returned and its errno, its text. */
static int rc[NCALLS + 1], err[NCALLS + 1];
static const char *texts[NCALLS + 1];
/* Where the program is, in memory the watching parent shares, so that a
 * crash or a hang names its step. */
static struct {
    volatile int step;
    char text[200];
} *at;

static void step(int n, const char *text);
/* The pages' promise for step n (0-terminated errnos); `was` is what the
 * recorded run got. */
HELPER void expect(int n, bool may_succeed, bool may_fail, const int *errs, int was,
    int was_err);
/* Step n must do what ref did (no model spoke for it). */
HELPER void same(int n, int was, int was_err, bool handle);
/* The harness's own set-up: a difference is the machine's, not the library's. */
HELPER void setup(int n, int was, int was_err);
/* The bytes step n received, by their FNV-1a. */
HELPER void bytes(int n, uint32_t sum, uint32_t want);
HELPER uint32_t fnv(uint32_t h, const void *p, size_t n);
/* The caller's list after step n, against its copy from before. */
HELPER void list_same(int n, const void *list, const void *copy, size_t size);
/* A send's bytes: b[i] = mul * (p + i) + add + hi * ((p + i) >> 8). */
HELPER void *seq(void *buf, size_t n, unsigned mul, unsigned add, unsigned hi, size_t p);
/* A send's bytes from the harnesses' stream table, from offset o. */
HELPER void *stream(void *buf, size_t n, size_t o);
/* A path in the program's directory, remade with the recorded one's length. */
HELPER const char *P(const char *name);
HELPER struct sockaddr *sun(const char *path);
HELPER void make_file(const char *path);
/* The open fds, counted before the input and checked after it. */
static int count_fds(void);
static int fds_before;
HELPER void fds_check(void);

/* ---- below program() ---- */
/* cr_say, dc_errname and dc_dir_remove come first, from
 * conformance/repro/standalone/ (the conformance reproducers' own). */

static void step(int n, const char *text) {
    at->step = n;
    snprintf(at->text, sizeof(at->text), "%s", text);
}

/* "3" or "-1 with EPIPE", in one of two buffers: a message shows two. */
static const char *outcome(int r, int e) {
    static char bufs[2][64];
    static int next;
    char *buf = bufs[next++ % 2];
    if(r == -1)
        snprintf(buf, 64, "-1 with %s", dc_errname(e));
    else
        snprintf(buf, 64, "%d", r);
    return buf;
}

/* The pages' promise for step n: may it succeed, may it fail and with
 * which errnos (0-terminated).  `was` is what ref did when this program
 * was recorded: when the promise allows another outcome too and the target
 * took that one, the rest of the program (ref's path) no longer applies. */
HELPER void expect(int n, bool may_succeed, bool may_fail, const int *errs, int was, int was_err) {
    int r = rc[n], e = err[n];
    bool ok = r != -1 && may_succeed;
    for(const int *p = errs; r == -1 && may_fail && *p; p++)
        ok |= *p == e;
    if(!ok) {
        char want[160] = "";
        for(const int *p = errs; *p; p++)
            snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s",
                p == errs ? "" : " or ", dc_errname(*p));
        cr_say("FAIL: step %d, %s: %s; the pages allow %s%s%s", n, texts[n], outcome(r, e),
            may_succeed ? "success" : "", may_succeed && may_fail ? " or " : "",
            may_fail ? (*want ? want : "-1 with an errno of its ERRORS") : "");
        exit(1);
    }
    if((r == -1) != (was == -1) || (r == -1 && e != was_err)) {
        cr_say("UNRESOLVED: step %d, %s: %s, which the pages allow; the rest of this program "
            "follows ref, which returned %s", n, texts[n], outcome(r, e), outcome(was, was_err));
        exit(77);
    }
}

/* Step n must do what ref did (no model spoke for this call). */
HELPER void same(int n, int was, int was_err, bool handle) {
    int r = rc[n], e = err[n];
    bool fine = r == -1 ? was == -1 && e == was_err : handle ? was >= 0 : r == was;
    if(!fine) {
        cr_say("FAIL: step %d, %s: %s; the reference implementation returned %s", n, texts[n],
            outcome(r, e), handle && was >= 0 ? "a handle" : outcome(was, was_err));
        exit(1);
    }
}

/* The harness's own set-up (sockets, files): not the library's doing. */
HELPER void setup(int n, int was, int was_err) {
    if((rc[n] == -1) != (was == -1) || (was == -1 && err[n] != was_err)) {
        cr_say("UNRESOLVED: step %d, %s: %s (recorded: %s): the set-up differs here", n,
            texts[n], outcome(rc[n], err[n]), outcome(was, was_err));
        exit(77);
    }
}

HELPER uint32_t fnv(uint32_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for(size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

/* The bytes step n received, by their FNV-1a (what ref received: the
 * bytes sent, "nothing is lost"). */
HELPER void bytes(int n, uint32_t sum, uint32_t want) {
    if(rc[n] == 0 && sum != want) {
        cr_say("FAIL: step %d, %s: received other bytes than were sent", n, texts[n]);
        exit(1);
    }
}

/* "Once the function returns the list is guaranteed to be the same as
 * before the call." */
HELPER void list_same(int n, const void *list, const void *copy, size_t size) {
    if(memcmp(list, copy, size) != 0) {
        cr_say("FAIL: step %d, %s: the caller's list changed", n, texts[n]);
        exit(1);
    }
}

/* The bytes a send carries: b[i] = mul * (p + i) + add + hi * ((p + i) >> 8). */
HELPER void *seq(void *buf, size_t n, unsigned mul, unsigned add, unsigned hi, size_t p) {
    unsigned char *b = buf;
    for(size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(mul * (p + i) + add + hi * ((p + i) >> 8));
    return buf;
}

/* The harnesses' stream of bytes (fuzz/lib/stream.c): a table of 2^20
 * hashed bytes in which no byte equals the one before it, made as they
 * make it; n bytes of it from offset o, around its end. */
HELPER void *stream(void *buf, size_t n, size_t o) {
    enum { PERIOD = 1 << 20 };
    static unsigned char t[PERIOD];
    static bool made;
    for(uint32_t i = 0; !made && i < PERIOD; i++) {
        uint32_t x = i * 0x9E3779B1u;
        x ^= x >> 15;
        x *= 0x85EBCA77u;
        t[i] = (unsigned char)(x >> 24);
        if(i > 0 && t[i] == t[i - 1])
            t[i] ^= 0x5A;
    }
    while(!made && (t[0] == t[PERIOD - 1] || t[0] == t[1]))
        t[0]++;
    made = true;
    unsigned char *b = buf;
    for(size_t i = 0; i < n; i++)
        b[i] = t[(o + i) % PERIOD];
    return buf;
}

/* The directory the harness's paths were in, remade with a name of the
 * same length: a path's length decides its errno near sun_path's 108. */
static char dir[200];

HELPER const char *P(const char *name) {
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 512, "%s%s%s", dir, *name ? "/" : "", name);
    return p;
}

HELPER struct sockaddr *sun(const char *path) {
    static struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    memcpy(a.sun_path, path, strnlen(path, sizeof(a.sun_path)));
    return (struct sockaddr *)&a;
}

HELPER void make_file(const char *path) {
    FILE *f = fopen(path, "w");
    if(f)
        fclose(f);
}

static int count_fds(void) {
    int n = 0;
    for(int fd = 0; fd < 4096; fd++)
        n += fcntl(fd, F_GETFD) != -1;
    return n;
}

HELPER void fds_check(void) {
    int now = count_fds();
    if(now > fds_before) {
        cr_say("FAIL: %d fd(s) open after the program closed everything it made",
            now - fds_before);
        exit(1);
    }
}

static void make_dir(size_t len) {
    const char *base = "/tmp/dsfz-repro";
    size_t fixed = strlen(base) + 7;   /* ".XXXXXX" */
    snprintf(dir, sizeof(dir), "%s%.*s.XXXXXX", base,
        (int)(len > fixed ? len - fixed : 0), "__________________________________________________"
        "______________________________________________________________________");
    if(!mkdtemp(dir)) {
        cr_say("UNRESOLVED: cannot make a directory at %s", dir);
        exit(77);
    }
}

static void program(void);

/* The program runs in a child, watched: a crash or a hang names its step.
 * DS_NO_FORK=1 runs it in this process (for a debugger). */
int main(void) {
    at = mmap(NULL, sizeof(*at), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if(at == MAP_FAILED)
        return 77;
    make_dir(DIR_LEN);
    cr_say("%s", TITLE);
    if(getenv("DS_NO_FORK")) {
        program();
        return 0;
    }
    pid_t pid = fork();
    if(pid == 0) {
        program();
        cr_say("PASS: every step did what the pages allow");
        _exit(0);
    }
    int status = 0, waited = 0;
    while(waitpid(pid, &status, WNOHANG) == 0 && waited < 10000) {
        usleep(10000);
        waited += 10;
    }
    int code = 1;
    if(waited >= 10000) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        cr_say("TIMEOUT: step %d, %s, did not return within 10 s", at->step, at->text);
    } else if(WIFSIGNALED(status)) {
        cr_say("CRASH: step %d, %s: signal %d (%s)", at->step, at->text, WTERMSIG(status),
            strsignal(WTERMSIG(status)));
    } else {
        code = WEXITSTATUS(status);
    }
    dc_dir_remove(dir);
    cr_say(code == 0 ? "=> exit 0: this libdill does what the pages allow here"
        : code == 77 ? "=> exit 77: nothing more could be checked"
        : "=> exit 1: this libdill does not do what the pages say");
    return code;
}
