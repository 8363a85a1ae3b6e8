/* loc.h — a place in a rule file.
 *
 * Lines and columns are 1-based; columns count bytes. A location spans from
 * (first_line, first_column) to (last_line, last_column), both inclusive. file is an
 * index into the SourceSet that loaded the file; -1 means "no place" (a message about
 * the command line, say).
 */
#ifndef SKULD_LOC_H
#define SKULD_LOC_H

typedef struct {
    int file;
    int first_line, first_column;
    int last_line, last_column;
} SkLoc;

static inline SkLoc loc_none(void)
{
    SkLoc loc = { -1, 0, 0, 0, 0 };
    return loc;
}

#endif
