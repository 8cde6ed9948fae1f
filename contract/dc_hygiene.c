/* Fd counts and private directories (see dc_hygiene.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dc_hygiene.h"

int dc_fds_open(unsigned char *open, int max) {
    DIR *d = opendir("/proc/self/fd");
    if(!d)
        return -1;
    if(open)
        memset(open, 0, (size_t)max);
    int n = 0;
    struct dirent *e;
    while((e = readdir(d))) {
        int fd = atoi(e->d_name);
        if(e->d_name[0] == '.' || fd == dirfd(d))
            continue;
        if(open && fd >= max) {
            n = -1;
            break;
        }
        if(open)
            open[fd] = 1;
        n++;
    }
    closedir(d);
    return n;
}

int dc_dir_make(char *dir, size_t size, const char *tag) {
    const char *tmp = getenv("TMPDIR");
    if(!tmp || !*tmp || strlen(tmp) > 32)
        tmp = "/tmp";
    snprintf(dir, size, "%s/%s.XXXXXX", tmp, tag);
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_entries(const char *dir, int depth) {
    DIR *h = opendir(dir);
    if(!h)
        return 0;
    int n = 0;
    struct dirent *e;
    while((e = readdir(h))) {
        if(!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        if(e->d_type == DT_DIR && depth < 4)
            remove_entries(p, depth + 1);
        if(remove(p) != 0 && e->d_type == DT_DIR)
            rmdir(p);
        n++;
    }
    closedir(h);
    return n;
}

int dc_dir_entries(const char *dir) {
    DIR *h = opendir(dir);
    if(!h)
        return -1;
    int n = 0;
    for(struct dirent *e; (e = readdir(h));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(h);
    return n;
}

int dc_dir_empty(const char *dir) {
    return remove_entries(dir, 0);
}

void dc_dir_remove(const char *dir) {
    dc_dir_empty(dir);
    rmdir(dir);
}
