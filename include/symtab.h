/* symtab.h — string-keyed maps from names to dense indices (uthash).
 *
 * Used once, when rules or tenant data are loaded, to turn names into the integer
 * indices that everything later works with; never in the evaluation loop.
 * A NameIndex copies its keys; with fold_case set, keys are compared ASCII
 * case-insensitively (GUIDs, country codes, proxy addresses).
 */
#ifndef SKULD_SYMTAB_H
#define SKULD_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct NameEntry NameEntry;

typedef struct {
    NameEntry *head;
    int fold_case;
    size_t count;
} NameIndex;

void name_index_init(NameIndex *ix, int fold_case);
void name_index_free(NameIndex *ix);
/* The value stored under key, or -1. */
int64_t name_index_find(const NameIndex *ix, const char *key, size_t len);
/* Stores key -> value unless key is present: returns the existing value then, else -1
 * (inserted). -2 on no memory. */
int64_t name_index_put(NameIndex *ix, const char *key, size_t len, int64_t value);
/* Calls fn for each key in insertion order. */
void name_index_each(const NameIndex *ix, void (*fn)(void *ctx, const char *key, int64_t value), void *ctx);

#endif
