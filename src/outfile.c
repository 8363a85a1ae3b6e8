/* outfile.c — atomic report files (see outfile.h). */
#include "outfile.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *outfile_open(OutFile *of, const char *path, char *errbuf, size_t errlen)
{
    memset(of, 0, sizeof *of);
    if (!path || strcmp(path, "-") == 0) {
        of->f = stdout;
        return of->f;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* a device or FIFO (-o /dev/null): written to as it is, never replaced */
        of->f = fopen(path, "w");
        if (!of->f) snprintf(errbuf, errlen, "cannot write '%s': %s", path, strerror(errno));
        of->direct = 1;
        return of->f;
    }
    const char *slash = strrchr(path, '/');
    of->path = str_ndup(path, strlen(path));
    of->tmp = slash ? str_printf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1)
                    : str_printf(".%s.XXXXXX", path);
    if (!of->path || !of->tmp) {
        snprintf(errbuf, errlen, "out of memory");
        outfile_abort(of);
        return NULL;
    }
    int fd = mkstemp(of->tmp);
    if (fd < 0) {
        snprintf(errbuf, errlen, "cannot write '%s': %s", path, strerror(errno));
        free(of->tmp);
        of->tmp = NULL;
        outfile_abort(of);
        return NULL;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    of->f = fdopen(fd, "w");
    if (!of->f) {
        snprintf(errbuf, errlen, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        outfile_abort(of);
        return NULL;
    }
    return of->f;
}

int outfile_commit(OutFile *of, char *errbuf, size_t errlen)
{
    if (of->direct) {
        int failed = fclose(of->f) != 0;
        of->f = NULL;
        if (failed) snprintf(errbuf, errlen, "cannot write the report: %s", strerror(errno));
        return failed ? -1 : 0;
    }
    if (of->f == stdout) {
        of->f = NULL;
        if (fflush(stdout) != 0 || ferror(stdout)) {
            snprintf(errbuf, errlen, "cannot write the report to standard output");
            return -1;
        }
        return 0;
    }
    int failed = fflush(of->f) != 0 || ferror(of->f);
    int err = errno;
    if (fclose(of->f) != 0) { failed = 1; err = errno; }
    of->f = NULL;
    if (!failed && rename(of->tmp, of->path) != 0) { failed = 1; err = errno; }
    if (failed) {
        snprintf(errbuf, errlen, "cannot write '%s': %s", of->path, strerror(err));
        outfile_abort(of);
        return -1;
    }
    free(of->tmp);
    free(of->path);
    of->tmp = of->path = NULL;
    return 0;
}

void outfile_abort(OutFile *of)
{
    if (of->f && of->f != stdout) fclose(of->f);
    of->direct = 0;
    of->f = NULL;
    if (of->tmp) unlink(of->tmp);
    free(of->tmp);
    free(of->path);
    of->tmp = of->path = NULL;
}
