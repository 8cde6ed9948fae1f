/* An intrusive, circular, doubly linked list: the one container ref needs
 * (ready queue, timers, a bundle's coroutines, waiters). */
#ifndef DILL_LIST_H
#define DILL_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct dill_list {
    struct dill_list *next;
    struct dill_list *prev;
};

#define dill_cont(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

static inline void dill_list_init(struct dill_list *l) {
    l->next = l;
    l->prev = l;
}

static inline bool dill_list_empty(const struct dill_list *l) {
    return l->next == l;
}

/* Inserts item before `before`; with the list head, that is at the tail. */
static inline void dill_list_insert(struct dill_list *item,
      struct dill_list *before) {
    item->next = before;
    item->prev = before->prev;
    before->prev->next = item;
    before->prev = item;
}

/* Unlinks item and leaves it self-linked, so erasing twice is harmless. */
static inline void dill_list_erase(struct dill_list *item) {
    item->prev->next = item->next;
    item->next->prev = item->prev;
    dill_list_init(item);
}

static inline bool dill_list_linked(const struct dill_list *item) {
    return item->next != item;
}

#endif
