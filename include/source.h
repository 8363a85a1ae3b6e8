/* source.h — the rule files of one run, held in memory.
 *
 * Every file is read whole, once (files are identified by device and inode, so a file
 * named twice or included twice is the same file). Diagnostics point into these
 * buffers; line starts are indexed on first use, when a message needs a source line.
 *
 * Ownership: the SourceSet owns every file's path and text; free it with
 * source_set_free after the last diagnostic is printed.
 */
#ifndef SKULD_SOURCE_H
#define SKULD_SOURCE_H

#include <stddef.h>
#include <sys/types.h>
#include "loc.h"

typedef struct {
    char *path;             /* as shown in messages: as given, or joined to the includer's folder */
    char *text;             /* the bytes, NUL-terminated (text[len] == 0) */
    size_t len;
    int included_from;      /* index of the including file, -1 for a file named on the command line */
    SkLoc include_loc;      /* the include statement, in the including file */
    dev_t dev;
    ino_t ino;
    size_t *line_starts;    /* byte offset of each line start; built lazily */
    size_t nlines;
} SourceFile;

typedef struct {
    SourceFile *files;
    size_t count, cap;
    size_t max_bytes;       /* refuse a file larger than this (0 = no limit) */
} SourceSet;

typedef enum {
    SOURCE_OK = 0,
    SOURCE_ALREADY_LOADED,  /* *index is the earlier copy */
    SOURCE_ERROR            /* errbuf says why (one sentence) */
} SourceStatus;

void source_set_init(SourceSet *set);
void source_set_free(SourceSet *set);

/* Reads `path` as a new file of the set, unless the same file (device and inode) is
 * loaded already. Refuses directories, FIFOs and devices, files over max_bytes.
 * On SOURCE_OK and SOURCE_ALREADY_LOADED, *index is the file's index. */
SourceStatus source_load(SourceSet *set, const char *path, int included_from, SkLoc include_loc,
                         int *index, char *errbuf, size_t errlen);

/* Adds text made by skuld itself (e.g. a scenario built from command-line options) as
 * a file named `name`; takes text (malloc'd, NUL-terminated at len). Returns its
 * index, or -1 on no memory. */
int source_add_text(SourceSet *set, const char *name, char *text, size_t len);

/* Opens a regular file (not a directory, FIFO or device) for reading, never waiting on
 * a FIFO: the descriptor, with *st filled, or -1 with errbuf set ("cannot open ...",
 * "... is a directory, not a file", ...). */
struct stat;
int file_open_regular(const char *path, struct stat *st, char *errbuf, size_t errlen);

/* Reads a whole regular file (not a directory, FIFO or device) into a malloc'd,
 * NUL-terminated buffer the caller frees; NULL with errbuf set on failure. */
char *file_read_all(const char *path, size_t max_bytes, size_t *len, char *errbuf, size_t errlen);

/* A whole file for reading only: mapped from the page cache where it can be (no copy,
 * no fresh memory: a tenant export of hundreds of megabytes is read in place), else
 * read into memory. data[len] is a readable NUL either way. */
typedef struct {
    const char *data;
    size_t len;
    size_t map_len;             /* bytes mapped (0: data is a malloc'd copy) */
} FileView;

/* 0, or -1 with errbuf set (as file_read_all). One view is open at a time: if the
 * mapped file shrinks while it is read, the process says so and exits 2. */
int file_view_open(FileView *v, const char *path, size_t max_bytes, char *errbuf, size_t errlen);
void file_view_close(FileView *v);

/* Line `line` (1-based) of file `file`, without its line end: *len bytes at the result.
 * NULL when out of range. */
const char *source_line(SourceSet *set, int file, int line, size_t *len);

#endif
