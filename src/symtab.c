/* symtab.c — name-to-index maps over uthash (see symtab.h). */
#include "symtab.h"
#include "hash.h"

#include <string.h>

struct NameEntry {
    UT_hash_handle hh;
    int64_t value;
    size_t len;
    char key[];         /* stored folded when the index folds case */
};

void name_index_init(NameIndex *ix, int fold_case)
{
    ix->head = NULL;
    ix->fold_case = fold_case;
    ix->count = 0;
}

void name_index_free(NameIndex *ix)
{
    NameEntry *e, *tmp;
    HASH_ITER(hh, ix->head, e, tmp) {
        HASH_DEL(ix->head, e);
        free(e);
    }
    ix->count = 0;
}

/* Copies key into dst (len bytes), folding ASCII case when asked. */
static void copy_key(char *dst, const char *key, size_t len, int fold)
{
    if (!fold) { memcpy(dst, key, len); return; }
    for (size_t i = 0; i < len; i++) {
        char c = key[i];
        dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
}

int64_t name_index_find(const NameIndex *ix, const char *key, size_t len)
{
    NameEntry *e = NULL;
    if (ix->fold_case) {
        char small[128];
        char *tmp = len <= sizeof small ? small : malloc(len);
        if (!tmp) return -1;
        copy_key(tmp, key, len, 1);
        HASH_FIND(hh, ix->head, tmp, len, e);
        if (tmp != small) free(tmp);
    } else {
        HASH_FIND(hh, ix->head, key, len, e);
    }
    return e ? e->value : -1;
}

int64_t name_index_put(NameIndex *ix, const char *key, size_t len, int64_t value)
{
    int64_t existing = name_index_find(ix, key, len);
    if (existing >= 0) return existing;
    NameEntry *e = malloc(sizeof *e + len + 1);
    if (!e) return -2;
    copy_key(e->key, key, len, ix->fold_case);
    e->key[len] = 0;
    e->len = len;
    e->value = value;
    HASH_ADD(hh, ix->head, key, len, e);
    ix->count++;
    return -1;
}

void name_index_each(const NameIndex *ix, void (*fn)(void *ctx, const char *key, int64_t value), void *ctx)
{
    for (NameEntry *e = ix->head; e; e = e->hh.next) fn(ctx, e->key, e->value);
}
