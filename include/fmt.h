/* fmt.h — the canonical layout of rule files (`skuld fmt`): indentation, one
 * statement a line, aligned plan display names, comments kept in place. Idempotent,
 * and it never changes meaning: only white space changes (src/fmt.c lists the rules).
 */
#ifndef SKULD_FMT_H
#define SKULD_FMT_H

#include <stddef.h>

/* The formatted text of a rule file that parses (malloc'd, the caller frees). */
char *fmt_format(const char *text, size_t len);

#endif
