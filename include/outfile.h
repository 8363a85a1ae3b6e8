/* outfile.h — reports written atomically (CLI.md -o): to a temporary file in the
 * target's folder, flushed, then renamed into place. A failed or killed run
 * leaves the old file or none, never half a report. Without a path, stdout. A target
 * that is a device or a FIFO (-o /dev/null) is written to directly, never replaced.
 */
#ifndef SKULD_OUTFILE_H
#define SKULD_OUTFILE_H

#include <stdio.h>

typedef struct {
    char *path;     /* the target, or NULL for stdout */
    char *tmp;      /* the temporary file being written */
    FILE *f;
    int direct;     /* the target is a device or FIFO: written to directly */
} OutFile;

/* Opens the output; NULL with errbuf set on failure. */
FILE *outfile_open(OutFile *of, const char *path, char *errbuf, size_t errlen);
/* Flushes, syncs and renames into place. 0, or -1 with errbuf set (the temporary
 * file is then removed). */
int outfile_commit(OutFile *of, char *errbuf, size_t errlen);
/* Drops the output: the temporary file is removed, the target untouched. */
void outfile_abort(OutFile *of);

#endif
