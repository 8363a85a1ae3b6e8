/* options.c — shared command-line parsing (see options.h). */
#include "options.h"
#include "util.h"

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
    if (*v == 0 || *end || n < 1 || n > 2000000000) {
        fprintf(stderr, "skuld %s: %s takes a whole number from 1, not '%s'\n", command, opt, v);
        return 0;
    }
    *out = n;
    return 1;
}

/* Appends s to the quick scenario, as a quoted string of the rule language. */
static void add_quoted(StrBuf *sb, const char *s, size_t n)
{
    sb_puts(sb, "\"");
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"' || c == '\\') sb_add(sb, "\\", 1);
        if (c == '\n') sb_puts(sb, "\\n");
        else if (c == '\t') sb_puts(sb, "\\t");
        else sb_add(sb, &c, 1);
    }
    sb_puts(sb, "\"");
}

/* A quick change "--add USER:GROUP" and its kin, as a scenario statement. */
static int add_quick(Options *o, StrBuf *sb, const char *command, const char *opt, const char *v)
{
    const char *sep = strchr(v, strcmp(opt, "--seats") == 0 || strcmp(opt, "--location") == 0 ? '=' : ':');
    int needs_sep = strcmp(opt, "--reprocess") != 0 && strcmp(opt, "--reprocess-user") != 0;
    if (needs_sep && (!sep || sep == v || !sep[1])) {
        fprintf(stderr, "skuld %s: %s takes %s\n", command, opt,
                strcmp(opt, "--seats") == 0 ? "PRODUCT=N" : strcmp(opt, "--location") == 0 ? "USER=CC (or USER=none)"
                : strcmp(opt, "--assign") == 0 || strcmp(opt, "--unassign") == 0 ? "GROUP:PRODUCT"
                : strcmp(opt, "--license") == 0 || strcmp(opt, "--unlicense") == 0 ? "USER:PRODUCT" : "USER:GROUP");
        return 0;
    }
    size_t left = sep ? (size_t)(sep - v) : strlen(v);
    const char *right = sep ? sep + 1 : "";
    sb_puts(sb, "    ");
    if (strcmp(opt, "--add") == 0 || strcmp(opt, "--remove") == 0) {
        sb_puts(sb, opt[2] == 'a' ? "add " : "remove ");
        add_quoted(sb, v, left);
        sb_puts(sb, opt[2] == 'a' ? " to " : " from ");
        add_quoted(sb, right, strlen(right));
    } else if (strcmp(opt, "--seats") == 0) {
        const char *d = right[0] == '-' ? right + 1 : right;
        if (!*d || strspn(d, "0123456789") != strlen(d)) {
            fprintf(stderr, "skuld %s: --seats takes PRODUCT=N with a whole number N, not '%s'\n", command, right);
            return 0;
        }
        sb_puts(sb, "set seats ");
        add_quoted(sb, v, left);
        sb_printf(sb, " %s", right);
    } else if (strcmp(opt, "--location") == 0) {
        sb_puts(sb, "set location ");
        add_quoted(sb, v, left);
        if (strcmp(right, "none") == 0) sb_puts(sb, " none");
        else { sb_puts(sb, " "); add_quoted(sb, right, strlen(right)); }
    } else if (strcmp(opt, "--license") == 0 || strcmp(opt, "--unlicense") == 0) {
        sb_puts(sb, opt[2] == 'l' ? "license " : "unlicense ");
        add_quoted(sb, v, left);
        sb_puts(sb, " ");
        add_quoted(sb, right, strlen(right));
    } else if (strcmp(opt, "--assign") == 0 || strcmp(opt, "--unassign") == 0) {
        sb_puts(sb, "group ");
        add_quoted(sb, v, left);
        sb_puts(sb, opt[2] == 'a' ? " assign " : " unassign ");
        add_quoted(sb, right, strlen(right));
    } else {
        sb_puts(sb, strcmp(opt, "--reprocess") == 0 ? "reprocess group " : "reprocess user ");
        add_quoted(sb, v, strlen(v));
    }
    sb_puts(sb, ";\n");
    o->nquick++;
    return 1;
}

int options_parse(Options *o, const char *command, int accepted, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->positional = calloc((size_t)argc + 1, sizeof *o->positional);
    if (!o->positional) return 0;
    StrBuf *quick = &o->quick_changes;
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
            else if (strcmp(v, "sarif") == 0 && (accepted & OPT_LINT)) o->format = FORMAT_SARIF;
            else if (strcmp(v, "graph") == 0 && (accepted & OPT_FORMAT_GRAPH)) o->format = FORMAT_GRAPH;
            else {
                fprintf(stderr, "skuld %s: --format is text%s%s or json, not '%s'\n", command,
                        accepted & OPT_LINT ? ", sarif" : "", accepted & OPT_FORMAT_GRAPH ? ", graph" : "", v);
                return 0;
            }
        } else if ((accepted & OPT_TENANT) && is_opt(a, "--tenant")) {
            if (!(o->tenant = take_value(command, a, &i, argc, argv))) return 0;
        } else if ((accepted & OPT_OUTPUT) && (strcmp(a, "-o") == 0 || is_opt(a, "--output"))) {
            if (!(o->output = take_value(command, a, &i, argc, argv))) return 0;
        } else if ((accepted & OPT_FILTERS) && is_opt(a, "--group")) {
            if (!(o->group_filter = take_value(command, a, &i, argc, argv))) return 0;
        } else if ((accepted & OPT_FILTERS) && strcmp(command, "explain") == 0 && is_opt(a, "--product")) {
            if (!take_value(command, a, &i, argc, argv)) return 0;   /* read by explain itself */
        } else if ((accepted & OPT_FILTERS) && is_opt(a, "--user")) {
            if (!(o->user_filter = take_value(command, a, &i, argc, argv))) return 0;
        } else if ((accepted & OPT_NO_ASSIGNMENTS) && strcmp(a, "--no-assignments") == 0) {
            o->no_assignments = 1;
        } else if ((accepted & OPT_SAVE_STATE) && is_opt(a, "--save-state")) {
            if (!(o->save_state = take_value(command, a, &i, argc, argv))) return 0;
        } else if ((accepted & OPT_WHATIF) && is_opt(a, "--scenario")) {
            if (!(o->scenario = take_value(command, a, &i, argc, argv))) return 0;
        } else if ((accepted & OPT_WHATIF) && is_opt(a, "--baseline")) {
            if (!(o->baseline = take_value(command, a, &i, argc, argv))) return 0;
            if (strcmp(o->baseline, "eval") != 0 && strcmp(o->baseline, "current") != 0) {
                fprintf(stderr, "skuld %s: --baseline is eval or current, not '%s'\n", command, o->baseline);
                return 0;
            }
        } else if ((accepted & OPT_WHATIF) && is_opt(a, "--state")) {
            if (!(o->state = take_value(command, a, &i, argc, argv))) return 0;
        } else if ((accepted & OPT_WHATIF) &&
                   (is_opt(a, "--add") || is_opt(a, "--remove") || is_opt(a, "--seats") || is_opt(a, "--location") ||
                    is_opt(a, "--license") || is_opt(a, "--unlicense") || is_opt(a, "--assign") ||
                    is_opt(a, "--unassign") || is_opt(a, "--reprocess") || is_opt(a, "--reprocess-user"))) {
            char name[32];
            size_t nl = strcspn(a, "=");
            snprintf(name, sizeof name, "%.*s", (int)(nl < 31 ? nl : 31), a);
            if (!(v = take_value(command, a, &i, argc, argv)) || !add_quick(o, quick, command, name, v)) return 0;
        } else if ((accepted & OPT_LINT) && is_opt(a, "--fail-on")) {
            if (!(o->fail_on = take_value(command, a, &i, argc, argv))) return 0;
            if (strcmp(o->fail_on, "error") && strcmp(o->fail_on, "warning") && strcmp(o->fail_on, "note") &&
                strcmp(o->fail_on, "info")) {
                fprintf(stderr, "skuld %s: --fail-on is error, warning or note (info), not '%s'\n", command, o->fail_on);
                return 0;
            }
        } else if ((accepted & OPT_LINT) && (is_opt(a, "--enable") || is_opt(a, "--disable") || is_opt(a, "--severity"))) {
            const char *name = is_opt(a, "--enable") ? "--enable" : is_opt(a, "--disable") ? "--disable" : "--severity";
            if (!(v = take_value(command, a, &i, argc, argv))) return 0;
            const char **grown = realloc(o->lint_settings, (size_t)(o->nlint_settings + 2) * sizeof *grown);
            if (!grown) return 0;
            o->lint_settings = grown;
            o->lint_settings[o->nlint_settings++] = name;
            o->lint_settings[o->nlint_settings++] = v;
        } else if ((accepted & OPT_LINT) && strcmp(a, "--list-codes") == 0) {
            o->list_codes = 1;
        } else if ((accepted & OPT_LIMITS) && is_opt(a, "--max-diagnostics")) {
            if (!(v = take_value(command, a, &i, argc, argv)) ||
                !parse_count(command, "--max-diagnostics", v, &o->max_diagnostics)) return 0;
        } else if ((accepted & OPT_LIMITS) && is_opt(a, "--max-line-length")) {
            if (!(v = take_value(command, a, &i, argc, argv)) ||
                !parse_count(command, "--max-line-length", v, &o->max_line_length)) return 0;
        } else if ((accepted & OPT_LIMITS) && strcmp(a, "--allow-include-outside") == 0) {
            o->allow_include_outside = 1;
        } else if ((accepted & OPT_LIMITS) && is_opt(a, "--max-include-depth")) {
            if (!(v = take_value(command, a, &i, argc, argv)) ||
                !parse_count(command, "--max-include-depth", v, &o->max_include_depth)) return 0;
        } else {
            fprintf(stderr, "skuld %s: unknown option '%s' (see 'skuld %s --help')\n", command, a, command);
            return 0;
        }
    }
    if (o->nquick) o->quick = str_printf("scenario \"command line\" {\n%s}\n", quick->data);
    return 1;
}

void options_free(Options *o)
{
    free(o->positional);
    free(o->quick);
    free(o->lint_settings);
    sb_free(&o->quick_changes);
    o->positional = NULL;
    o->quick = NULL;
}
