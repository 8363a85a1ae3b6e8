/* hash.h — the project's one inclusion of uthash: an out-of-memory inside a uthash
 * macro ends the process with a message instead of uthash's bare exit(-1).
 */
#ifndef SKULD_HASH_H
#define SKULD_HASH_H

#include <stdio.h>
#include <stdlib.h>

#define uthash_fatal(msg) do { fprintf(stderr, "skuld: fatal: out of memory (%s)\n", msg); exit(3); } while (0)
#include <uthash.h>

#endif
