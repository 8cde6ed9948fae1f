/*
 * dillspec-contract-check SPECDIR - ties the contract layer to the pages:
 * reads the ERRORS section of every page under SPECDIR/man/ (libdill's
 * manual as text) and the errors clause of SPECDIR/ipc_sendfd.md, and fails
 * when a page and its table in dc_errors.c disagree, when a page has no
 * table or a table no page.  Missing pages are an error, never a skip.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dc_errors.h"

#define MAXNAMES 32
#define NAMELEN 24

struct names {
    int n;
    char name[MAXNAMES][NAMELEN];
};

static int mismatches;

static void add(struct names *s, const char *p) {
    int len = 0;
    while(p[len] >= 'A' && p[len] <= 'Z' && len < NAMELEN - 1)
        len++;
    for(int i = 0; i < s->n; i++)
        if((int)strlen(s->name[i]) == len && !strncmp(s->name[i], p, (size_t)len))
            return;
    if(s->n < MAXNAMES) {
        memcpy(s->name[s->n], p, (size_t)len);
        s->name[s->n++][len] = 0;
    }
}

static bool has(const struct names *s, const char *name) {
    for(int i = 0; i < s->n; i++)
        if(!strcmp(s->name[i], name))
            return true;
    return false;
}

/* A man page's ERRORS section: "       • EBADF: Invalid handle." lines
 * from the "ERRORS" heading to the next heading.  False if it has none. */
static bool man_errors(FILE *f, struct names *s) {
    char line[512];
    bool in = false, found = false;
    while(fgets(line, sizeof(line), f)) {
        if(line[0] != ' ' && line[0] != '\n')
            in = !strncmp(line, "ERRORS", 6);
        found |= in;
        const char *b = in ? strstr(line, "\xe2\x80\xa2 E") : NULL;   /* "• E" */
        if(b)
            add(s, b + 4);
    }
    return found;
}

/* ipc_sendfd.md's clause "- Errors follow the bytestream functions: EBADF
 * (bad handle), ..., EINVAL (`fd` negative), ...; `ipc_recvfd` fails with
 * EPROTO ...": what comes after "`ipc_recvfd` fails with" is ipc_recvfd's
 * alone, an errno about the `fd` argument ipc_sendfd's alone. */
static bool md_errors(FILE *f, bool recvfd, struct names *s) {
    char text[2048] = "", line[512];
    bool in = false;
    while(fgets(line, sizeof(line), f)) {
        if(in && (line[0] == '-' || line[0] == '\n'))
            break;
        in |= !strncmp(line, "- Errors follow", 15);
        if(in && strlen(text) + strlen(line) < sizeof(text))
            strcat(text, line);
    }
    if(!text[0])
        return false;
    char *only_recvfd = strstr(text, "`ipc_recvfd` fails with");
    for(char *p = strchr(text, ':'); p && *p; p++) {
        if(p[0] != 'E' || p[1] < 'A' || p[1] > 'Z' || (p[-1] >= 'A' && p[-1] <= 'Z'))
            continue;
        bool late = only_recvfd && p > only_recvfd;
        bool fd_arg = !strncmp(p + strcspn(p, " "), " (`fd`", 6);
        if(recvfd ? !fd_arg : !late)
            add(s, p);
    }
    return true;
}

static void compare(enum dc_fn fn, const struct names *page) {
    struct names table = {0};
    for(const int *e = dc_errors(fn); *e; e++)
        add(&table, dc_errname(*e));
    for(int i = 0; i < page->n; i++)
        if(!has(&table, page->name[i])) {
            printf("MISMATCH %s: %s lists %s, the table lacks it\n",
                dc_fn_name(fn), dc_fn_page(fn), page->name[i]);
            mismatches++;
        }
    for(int i = 0; i < table.n; i++)
        if(!has(page, table.name[i])) {
            printf("MISMATCH %s: the table lists %s, %s does not\n",
                dc_fn_name(fn), table.name[i], dc_fn_page(fn));
            mismatches++;
        }
}

static int check_fn(const char *spec, enum dc_fn fn) {
    const char *page = dc_fn_page(fn);
    bool md = strstr(page, ".md") != NULL;
    char path[1024];
    snprintf(path, sizeof(path), md ? "%s/%s" : "%s/man/%s", spec, page);
    FILE *f = fopen(path, "r");
    if(!f) {
        printf("MISSING %s: no page %s\n", dc_fn_name(fn), path);
        mismatches++;
        return 0;
    }
    struct names s = {0};
    bool found = md ? md_errors(f, fn == DC_IPC_RECVFD, &s) : man_errors(f, &s);
    fclose(f);
    if(!found && dc_errors(fn)[0]) {
        printf("MISMATCH %s: %s has no ERRORS section, the table is not empty\n",
            dc_fn_name(fn), page);
        mismatches++;
    }
    compare(fn, &s);
    return 1;
}

/* Every page of the manual has a table. */
static void check_coverage(const char *spec) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/man", spec);
    DIR *d = opendir(path);
    if(!d)
        return;
    struct dirent *e;
    while((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if(n < 5 || strcmp(e->d_name + n - 4, ".txt"))
            continue;
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)(n - 4), e->d_name);
        if(dc_fn_by_name(name) < 0) {
            printf("MISSING %s: the page has no table in contract/dc_errors.c\n",
                e->d_name);
            mismatches++;
        }
    }
    closedir(d);
}

int main(int argc, char **argv) {
    if(argc != 2) {
        fprintf(stderr, "usage: dillspec-contract-check SPECDIR\n"
            "       dillspec-contract-check --pages\n"
            "  SPECDIR holds man/*.txt and ipc_sendfd.md; --pages lists the pages\n"
            "  the contract has tables for (ci/test renders those of a libdill tree)\n");
        return 2;
    }
    if(!strcmp(argv[1], "--pages")) {
        for(int fn = 0; fn < DC_NFNS; fn++)
            printf("%s\n", dc_fn_page((enum dc_fn)fn));
        return 0;
    }
    char man[1024];
    snprintf(man, sizeof(man), "%s/man", argv[1]);
    DIR *d = opendir(man);
    if(!d) {
        fprintf(stderr, "dillspec-contract-check: no man pages at %s: the "
            "contract cannot be checked (give the spec directory)\n", man);
        return 2;
    }
    closedir(d);
    int pages = 0;
    for(int fn = 0; fn < DC_NFNS; fn++)
        pages += check_fn(argv[1], (enum dc_fn)fn);
    check_coverage(argv[1]);
    if(mismatches) {
        printf("dillspec-contract-check: %d disagreement(s) between the pages "
            "and contract/dc_errors.c\n", mismatches);
        return 1;
    }
    printf("dillspec-contract-check: %d tables agree with their pages\n", pages);
    return 0;
}
