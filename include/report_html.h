/* report_html.h — `skuld report`: a self-contained HTML page (inline SVG bars, no
 * script or external resource) with seat use, groups and users in error with the
 * fixes, and the what-if diff when a scenario is given. All text is escaped.
 */
#ifndef SKULD_REPORT_HTML_H
#define SKULD_REPORT_HTML_H

#include <stdio.h>
#include "eval.h"
#include "report.h"
#include "whatif.h"

/* The page for state st (and the diff, when not NULL). 0, or -1 on a write error. */
int report_html(const EvalState *st, const WhatifDiff *diff, const char *title, FILE *out);

#endif
