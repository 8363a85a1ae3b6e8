/* misspell.c — edit-distance suggestions (see misspell.h). */
#include "misspell.h"

#include <stdlib.h>
#include <string.h>

static int fold(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

size_t misspell_distance(const char *a, size_t alen, const char *b, size_t blen, size_t cap)
{
    if ((alen > blen ? alen - blen : blen - alen) > cap) return cap + 1;
    if (blen > 256 || alen > 256) return cap + 1;   /* names that long are never typos */
    size_t prev[257], cur[257];
    for (size_t j = 0; j <= blen; j++) prev[j] = j;
    for (size_t i = 1; i <= alen; i++) {
        cur[0] = i;
        size_t row_min = cur[0];
        for (size_t j = 1; j <= blen; j++) {
            size_t cost = fold((unsigned char)a[i - 1]) == fold((unsigned char)b[j - 1]) ? 0 : 1;
            size_t v = prev[j - 1] + cost;
            if (prev[j] + 1 < v) v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            cur[j] = v;
            if (v < row_min) row_min = v;
        }
        if (row_min > cap) return cap + 1;
        memcpy(prev, cur, (blen + 1) * sizeof prev[0]);
    }
    return prev[blen] > cap ? cap + 1 : prev[blen];
}

void misspell_init(Misspell *m, const char *name)
{
    m->name = name;
    m->name_len = strlen(name);
    m->best = NULL;
    m->max_distance = m->name_len / 3 > 0 ? m->name_len / 3 : 1;
    m->best_distance = m->max_distance + 1;
}

void misspell_offer(Misspell *m, const char *candidate)
{
    if (!candidate) return;
    size_t len = strlen(candidate);
    size_t cap = m->best_distance - 1 < m->max_distance ? m->best_distance - 1 : m->max_distance;
    if (m->best_distance == 0) return;
    size_t d = misspell_distance(m->name, m->name_len, candidate, len, cap);
    if (d <= cap && d < m->best_distance) {
        m->best = candidate;
        m->best_distance = d;
    }
}

const char *misspell_result(const Misspell *m)
{
    return m->best;
}
