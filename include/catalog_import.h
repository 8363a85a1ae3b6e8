/* catalog_import.h — Microsoft's "Product names and service plan identifiers for
 * licensing" CSV turned into rule-language text (`skuld import catalog`).
 *
 * Keyed on the GUIDs (trimmed, case-insensitive), as the data's own README says: one
 * `plan` per Service_Plan_Id, one `product` per GUID with its plans in row order. The
 * real file is messy; every repair is reported (never a row dropped silently):
 * trimmed fields, duplicate (product, plan) rows, garbled plan names (tabs, stray
 * brackets, spaces around underscores), a plan or product id under several names, a
 * name under several GUIDs (the later ones get a suffix), friendly names that differ.
 */
#ifndef SKULD_CATALOG_IMPORT_H
#define SKULD_CATALOG_IMPORT_H

#include <stdio.h>
#include "diag.h"

/* Reads the CSV at path, writes the rule text to out and one line per repair to
 * `repairs` (path:line: what was done). Errors (unreadable file, missing column,
 * malformed CSV) go to diags; returns 0, or -1 when nothing could be imported. */
int catalog_import(const char *path, FILE *out, FILE *repairs, DiagList *diags);

/* Writes name as the rule language needs it: bare when it is an identifier and not a
 * keyword, else quoted with escapes. */
void catalog_write_name(FILE *out, const char *name);

/* Writes s as a quoted string of the rule language (escapes \\ \" \n \t; other
 * control characters as \uXXXX). */
void catalog_write_string(FILE *out, const char *s);

#endif
