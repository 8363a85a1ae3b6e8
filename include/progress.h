/* progress.h — a one-line progress note on stderr for long runs, shown only when
 * stderr is a terminal (never in pipes, files or CI logs). Each call replaces the
 * previous note; progress_done clears it.
 */
#ifndef SKULD_PROGRESS_H
#define SKULD_PROGRESS_H

void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void progress_done(void);

#endif
