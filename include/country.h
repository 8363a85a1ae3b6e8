/* country.h — ISO 3166-1 alpha-2 country codes as dense indices.
 *
 * A code's index is (first letter - 'A') * 26 + (second letter - 'A'), 0..675, so a set
 * of countries is a 676-bit bitset. Only officially assigned codes (and XK, which
 * Microsoft accepts as a usage location for Kosovo) are valid.
 */
#ifndef SKULD_COUNTRY_H
#define SKULD_COUNTRY_H

#include <stddef.h>

#define COUNTRY_SLOTS 676

/* The index of a two-letter code (any case), or -1 when not an assigned code. */
int country_index(const char *code, size_t len);
/* Writes the upper-case code of an index into buf (3 bytes) and returns buf. */
const char *country_code(int index, char buf[3]);

#endif
