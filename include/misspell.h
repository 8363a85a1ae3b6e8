/* misspell.h — "did you mean" suggestions for unknown names.
 *
 * Feed every candidate with misspell_offer; the closest (edit distance, case-
 * insensitive, ties to the earliest offered) within a third of the name's length wins.
 */
#ifndef SKULD_MISSPELL_H
#define SKULD_MISSPELL_H

#include <stddef.h>

typedef struct {
    const char *name;        /* what the user wrote (borrowed) */
    size_t name_len;
    const char *best;        /* borrowed from the candidates */
    size_t best_distance;
    size_t max_distance;
} Misspell;

void misspell_init(Misspell *m, const char *name);
void misspell_offer(Misspell *m, const char *candidate);
/* The suggestion, or NULL when none is close enough. */
const char *misspell_result(const Misspell *m);

/* Edit distance (Levenshtein, ASCII case folded), capped: returns cap + 1 when
 * larger than cap. */
size_t misspell_distance(const char *a, size_t alen, const char *b, size_t blen, size_t cap);

#endif
