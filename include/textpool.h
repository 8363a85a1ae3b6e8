/* textpool.h — interned violation texts: each distinct detail or hint held once.
 *
 * A million-user tenant can have hundreds of thousands of violations, but only a few
 * hundred distinct texts ("no seat left: 250000 of 250000 in use" for every user who
 * waits for that seat). Holding each text once keeps tens of megabytes of copies out of
 * memory (and out of the kernel's page zeroing: docs/PERFORMANCE.md).
 *
 * Ownership: the pool owns every text it holds until textpool_free; a text it returns
 * never moves or changes, so violations and snapshots point at it without owning it.
 */
#ifndef SKULD_TEXTPOOL_H
#define SKULD_TEXTPOOL_H

#include <stddef.h>

typedef struct {
    char **slots;       /* open addressing; NULL = empty */
    size_t mask;        /* slot count - 1 (0 when no table yet) */
    size_t count;
} TextPool;

void textpool_init(TextPool *tp);
/* Consumes text (malloc'd, NUL-terminated, or NULL): returns the pool's text equal to
 * it, which is text itself the first time and an earlier equal text after that (text
 * is then freed). NULL gives NULL. */
const char *textpool_take(TextPool *tp, char *text);
void textpool_free(TextPool *tp);

#endif
