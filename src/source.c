/* source.c — reading rule files whole, once, and finding their lines. */
#define _DEFAULT_SOURCE 1   /* MAP_POPULATE */
#include "source.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void source_set_init(SourceSet *set)
{
    memset(set, 0, sizeof *set);
}

void source_set_free(SourceSet *set)
{
    for (size_t i = 0; i < set->count; i++) {
        free(set->files[i].path);
        free(set->files[i].text);
        free(set->files[i].line_starts);
    }
    free(set->files);
    memset(set, 0, sizeof *set);
}

/* Reads an open regular file whole into a NUL-terminated buffer. */
static char *read_all(int fd, size_t size_hint, size_t max_bytes, size_t *len, int *err)
{
    /* room for the whole file, the NUL and one more byte, so that the read that finds
     * the end does not grow (and copy) the buffer */
    size_t cap = size_hint + 2 > 4096 ? size_hint + 2 : 4096, used = 0;
    char *buf = mem_huge(malloc(cap), cap);
    if (!buf) { *err = ENOMEM; return NULL; }
    for (;;) {
        if (used + 1 >= cap) {
            if (max_bytes && used > max_bytes) { free(buf); *err = EFBIG; return NULL; }
            char *grown = realloc(buf, cap * 2);
            if (!grown) { free(buf); *err = ENOMEM; return NULL; }
            buf = grown;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + used, cap - 1 - used);
        if (got < 0) {
            if (errno == EINTR) continue;
            *err = errno;
            free(buf);
            return NULL;
        }
        if (got == 0) break;
        used += (size_t)got;
    }
    if (max_bytes && used > max_bytes) { free(buf); *err = EFBIG; return NULL; }
    buf[used] = 0;
    *len = used;
    return buf;
}

/* Opens path for reading if it is a regular file (never waiting on a FIFO). Returns
 * the descriptor, or -1 with errbuf set. */
static int open_regular(const char *path, struct stat *st, const char *what, char *errbuf, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(errbuf, errlen, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, st) != 0) {
        snprintf(errbuf, errlen, "cannot read '%s': %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (S_ISDIR(st->st_mode)) {
        snprintf(errbuf, errlen, "'%s' is a directory, not %s", path, what);
        close(fd);
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        snprintf(errbuf, errlen, "'%s' is not a regular file (a device, FIFO or socket)", path);
        close(fd);
        return -1;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

int file_open_regular(const char *path, struct stat *st, char *errbuf, size_t errlen)
{
    return open_regular(path, st, "a file", errbuf, errlen);
}

char *file_read_all(const char *path, size_t max_bytes, size_t *len, char *errbuf, size_t errlen)
{
    struct stat st;
    int fd = open_regular(path, &st, "a file", errbuf, errlen);
    if (fd < 0) return NULL;
    int err = 0;
    char *text = read_all(fd, (size_t)st.st_size, max_bytes, len, &err);
    close(fd);
    if (!text) {
        if (err == EFBIG) snprintf(errbuf, errlen, "'%s' is larger than the limit of %zu bytes", path, max_bytes);
        else snprintf(errbuf, errlen, "cannot read '%s': %s", path, strerror(err));
    }
    return text;
}

/* A mapped file that shrinks while it is read makes the next access to a lost page
 * fault (SIGBUS). That is bad input, not a crash: say which file, exit 2. Only one
 * file is mapped at a time (tenant files are read one after the other). */
static char mapped_path[4096];
static volatile sig_atomic_t mapped_now;

static void on_sigbus(int sig)
{
    if (!mapped_now) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    static const char head[] = "skuld: error: ", tail[] = ": the file changed (it shrank) while it was being read\n";
    ssize_t ignored = write(2, head, sizeof head - 1);
    ignored = write(2, mapped_path, strlen(mapped_path));
    ignored = write(2, tail, sizeof tail - 1);
    (void)ignored;
    _exit(2);
}

static void watch_mapping(const char *path)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigbus;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
    snprintf(mapped_path, sizeof mapped_path, "%s", path);
    mapped_now = 1;
}

int file_view_open(FileView *v, const char *path, size_t max_bytes, char *errbuf, size_t errlen)
{
    memset(v, 0, sizeof *v);
    struct stat st;
    int fd = open_regular(path, &st, "a file", errbuf, errlen);
    if (fd < 0) return -1;
    size_t size = (size_t)st.st_size;
    long page = sysconf(_SC_PAGESIZE);
    if (max_bytes && size > max_bytes) {
        close(fd);
        snprintf(errbuf, errlen, "'%s' is larger than the limit of %zu bytes", path, max_bytes);
        return -1;
    }
    /* Mapped only when the last page has room for the NUL after the data (the kernel
     * fills the rest of that page with zeros). A file that shrinks while it is mapped
     * ends the run with a message (on_sigbus). */
    if (size > 0 && page > 0 && size % (size_t)page != 0) {
        void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (m != MAP_FAILED) {
            close(fd);
            watch_mapping(path);
            v->data = m;
            v->len = size;
            v->map_len = size;
            return 0;
        }
    }
    int err = 0;
    size_t len = 0;
    char *text = read_all(fd, size, max_bytes, &len, &err);
    close(fd);
    if (!text) {
        if (err == EFBIG) snprintf(errbuf, errlen, "'%s' is larger than the limit of %zu bytes", path, max_bytes);
        else snprintf(errbuf, errlen, "cannot read '%s': %s", path, strerror(err));
        return -1;
    }
    v->data = text;
    v->len = len;
    return 0;
}

void file_view_close(FileView *v)
{
    if (v->map_len) {
        munmap((void *)v->data, v->map_len);
        mapped_now = 0;
    }
    else free((void *)v->data);
    memset(v, 0, sizeof *v);
}

SourceStatus source_load(SourceSet *set, const char *path, int included_from, SkLoc include_loc,
                         int *index, char *errbuf, size_t errlen)
{
    struct stat st;
    int fd = open_regular(path, &st, "a rule file", errbuf, errlen);
    if (fd < 0) return SOURCE_ERROR;
    for (size_t i = 0; i < set->count; i++) {
        if (set->files[i].dev == st.st_dev && set->files[i].ino == st.st_ino) {
            close(fd);
            *index = (int)i;
            return SOURCE_ALREADY_LOADED;
        }
    }
    if (set->max_bytes && (size_t)st.st_size > set->max_bytes) {
        snprintf(errbuf, errlen, "'%s' is larger than the limit of %zu bytes", path, set->max_bytes);
        close(fd);
        return SOURCE_ERROR;
    }
    size_t len = 0;
    int err = 0;
    char *text = read_all(fd, (size_t)st.st_size, set->max_bytes, &len, &err);
    close(fd);
    if (!text) {
        if (err == EFBIG)
            snprintf(errbuf, errlen, "'%s' is larger than the limit of %zu bytes", path, set->max_bytes);
        else
            snprintf(errbuf, errlen, "cannot read '%s': %s", path, strerror(err));
        return SOURCE_ERROR;
    }
    if (set->count == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 8;
        SourceFile *grown = realloc(set->files, cap * sizeof *grown);
        if (!grown) {
            free(text);
            snprintf(errbuf, errlen, "out of memory reading '%s'", path);
            return SOURCE_ERROR;
        }
        set->files = grown;
        set->cap = cap;
    }
    SourceFile *f = &set->files[set->count];
    memset(f, 0, sizeof *f);
    f->path = strdup(path);
    if (!f->path) {
        free(text);
        snprintf(errbuf, errlen, "out of memory reading '%s'", path);
        return SOURCE_ERROR;
    }
    f->text = text;
    f->len = len;
    f->included_from = included_from;
    f->include_loc = include_loc;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    *index = (int)set->count++;
    return SOURCE_OK;
}

int source_add_text(SourceSet *set, const char *name, char *text, size_t len)
{
    if (!grow_array((void **)&set->files, &set->cap, set->count + 1, sizeof *set->files)) {
        free(text);
        return -1;
    }
    SourceFile *f = &set->files[set->count];
    memset(f, 0, sizeof *f);
    f->path = strdup(name);
    if (!f->path) {
        free(text);
        return -1;
    }
    f->text = text;
    f->len = len;
    f->included_from = -1;
    f->include_loc = loc_none();
    f->dev = (dev_t)-1;
    f->ino = (ino_t)set->count;   /* never equal to a real file's */
    return (int)set->count++;
}

/* Indexes the line starts of f (once). Returns 0 on no memory. */
static int index_lines(SourceFile *f)
{
    if (f->line_starts) return 1;
    size_t n = 1;
    for (size_t i = 0; i < f->len; i++)
        if (f->text[i] == '\n') n++;
    f->line_starts = malloc(n * sizeof *f->line_starts);
    if (!f->line_starts) return 0;
    size_t k = 0;
    f->line_starts[k++] = 0;
    for (size_t i = 0; i < f->len; i++)
        if (f->text[i] == '\n') f->line_starts[k++] = i + 1;
    f->nlines = n;
    return 1;
}

const char *source_line(SourceSet *set, int file, int line, size_t *len)
{
    if (file < 0 || (size_t)file >= set->count || line < 1) return NULL;
    SourceFile *f = &set->files[file];
    if (!index_lines(f) || (size_t)line > f->nlines) return NULL;
    size_t start = f->line_starts[line - 1];
    size_t end = (size_t)line < f->nlines ? f->line_starts[line] - 1 : f->len;
    if (end > start && f->text[end - 1] == '\r') end--;
    *len = end - start;
    return f->text + start;
}
