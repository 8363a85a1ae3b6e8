/* progress.c — progress notes on a terminal (see progress.h). */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static int shown = -1;   /* -1: not decided yet; 0: stderr is not a terminal */

void progress(const char *fmt, ...)
{
    if (shown < 0) shown = isatty(STDERR_FILENO) ? 1 : 0;
    if (!shown) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("\r\033[K", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
    shown = 2;
}

void progress_done(void)
{
    if (shown == 2) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        shown = 1;
    }
}
