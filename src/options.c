/* options.c — shared command-line parsing (see options.h). */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of an option: after '=' or the next argument. */
static const char *take_value(const char *command, const char *arg, int *i, int argc, char **argv)
{
    const char *eq = strchr(arg, '=');
    if (eq) return eq + 1;
    if (*i + 1 >= argc) {
        fprintf(stderr, "skuld %s: option '%s' needs a value\n", command, arg);
        return NULL;
    }
    return argv[++*i];
}

static int is_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == 0 || arg[n] == '=');
}

static int parse_count(const char *command, const char *opt, const char *v, long *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == 0 || *end || n < 1 || n > 100000000) {
        fprintf(stderr, "skuld %s: %s takes a whole number from 1, not '%s'\n", command, opt, v);
        return 0;
    }
    *out = n;
    return 1;
}

int options_parse(Options *o, const char *command, int accepted, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->positional = calloc((size_t)argc + 1, sizeof *o->positional);
    if (!o->positional) return 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        if (a[0] != '-' || a[1] == 0) { o->positional[o->npositional++] = argv[i]; continue; }
        if (strcmp(a, "--") == 0) {
            while (++i < argc) o->positional[o->npositional++] = argv[i];
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) { o->help = 1; continue; }
        if ((accepted & OPT_FORMAT) && is_opt(a, "--format")) {
            if (!(v = take_value(command, a, &i, argc, argv))) return 0;
            if (strcmp(v, "text") == 0) o->format = FORMAT_TEXT;
            else if (strcmp(v, "json") == 0) o->format = FORMAT_JSON;
            else {
                fprintf(stderr, "skuld %s: --format is text or json, not '%s'\n", command, v);
                return 0;
            }
        } else if ((accepted & OPT_TENANT) && is_opt(a, "--tenant")) {
            if (!(o->tenant = take_value(command, a, &i, argc, argv))) return 0;
        } else if ((accepted & OPT_OUTPUT) && (strcmp(a, "-o") == 0 || is_opt(a, "--output"))) {
            if (!(o->output = take_value(command, a, &i, argc, argv))) return 0;
        } else if ((accepted & OPT_FILTERS) && is_opt(a, "--group")) {
            if (!(o->group_filter = take_value(command, a, &i, argc, argv))) return 0;
        } else if ((accepted & OPT_FILTERS) && is_opt(a, "--user")) {
            if (!(o->user_filter = take_value(command, a, &i, argc, argv))) return 0;
        } else if ((accepted & OPT_NO_ASSIGNMENTS) && strcmp(a, "--no-assignments") == 0) {
            o->no_assignments = 1;
        } else if ((accepted & OPT_LIMITS) && is_opt(a, "--max-diagnostics")) {
            if (!(v = take_value(command, a, &i, argc, argv)) ||
                !parse_count(command, "--max-diagnostics", v, &o->max_diagnostics)) return 0;
        } else if ((accepted & OPT_LIMITS) && is_opt(a, "--max-include-depth")) {
            if (!(v = take_value(command, a, &i, argc, argv)) ||
                !parse_count(command, "--max-include-depth", v, &o->max_include_depth)) return 0;
        } else {
            fprintf(stderr, "skuld %s: unknown option '%s' (see 'skuld %s --help')\n", command, a, command);
            return 0;
        }
    }
    return 1;
}

void options_free(Options *o)
{
    free(o->positional);
    o->positional = NULL;
}
