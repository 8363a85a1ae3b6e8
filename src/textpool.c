/* textpool.c — interned violation texts (see textpool.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "symtab.h"
#include "textpool.h"
#include "util.h"

void textpool_init(TextPool *tp)
{
    tp->slots = NULL;
    tp->mask = 0;
    tp->count = 0;
}

/* Doubles the table (or makes the first one); load factor stays at most 1/2. */
static void grow(TextPool *tp)
{
    size_t nslots = tp->mask ? (tp->mask + 1) * 2 : 64;
    char **slots = calloc(nslots, sizeof *slots);
    if (!slots) fatal_oom();
    for (size_t i = 0; tp->mask && i <= tp->mask; i++) {
        char *s = tp->slots[i];
        if (!s) continue;
        size_t k = (size_t)name_hash(s, strlen(s), 0) & (nslots - 1);
        while (slots[k]) k = (k + 1) & (nslots - 1);
        slots[k] = s;
    }
    free(tp->slots);
    tp->slots = slots;
    tp->mask = nslots - 1;
}

const char *textpool_take(TextPool *tp, char *text)
{
    if (!text) return NULL;
    if ((tp->count + 1) * 2 > tp->mask + 1) grow(tp);
    size_t len = strlen(text);
    size_t k = (size_t)name_hash(text, len, 0) & tp->mask;
    for (; tp->slots[k]; k = (k + 1) & tp->mask) {
        if (strcmp(tp->slots[k], text) == 0) {
            free(text);
            return tp->slots[k];
        }
    }
    tp->slots[k] = text;
    tp->count++;
    return text;
}

void textpool_free(TextPool *tp)
{
    for (size_t i = 0; tp->mask && i <= tp->mask; i++) free(tp->slots[i]);
    free(tp->slots);
    textpool_init(tp);
}
