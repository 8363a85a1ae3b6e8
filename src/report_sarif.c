/* report_sarif.c — lint findings as a SARIF 2.1.0 log, so that code-hosting tools can
 * show them inline on a pull request. One run, the tool's rules are the lint codes;
 * each result points at its file, line and columns (a finding about a data file names
 * the file only). */
#include "commands.h"
#include "jsonw.h"
#include "lint.h"

#include <stdlib.h>
#include <string.h>

static const char *sarif_level(Severity s)
{
    return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

int lint_write_sarif(const DiagList *findings, FILE *out)
{
    size_t ncodes;
    const LintCode *codes = lint_codes(&ncodes);
    JsonWriter w;
    jw_init(&w, out);
    jw_object_begin(&w);
    jw_key(&w, "$schema");
    jw_string(&w, "https://json.schemastore.org/sarif-2.1.0.json");
    jw_key(&w, "version");
    jw_string(&w, "2.1.0");
    jw_key(&w, "runs");
    jw_array_begin(&w);
    jw_object_begin(&w);
    jw_key(&w, "tool");
    jw_object_begin(&w);
    jw_key(&w, "driver");
    jw_object_begin(&w);
    jw_key(&w, "name");
    jw_string(&w, "skuld");
    jw_key(&w, "version");
    jw_string(&w, SKULD_VERSION);
    jw_key(&w, "rules");
    jw_array_begin(&w);
    for (size_t i = 0; i < ncodes; i++) {
        jw_object_begin(&w);
        jw_key(&w, "id");
        jw_string(&w, codes[i].code);
        jw_key(&w, "shortDescription");
        jw_object_begin(&w);
        jw_key(&w, "text");
        jw_string(&w, codes[i].summary);
        jw_object_end(&w);
        jw_key(&w, "defaultConfiguration");
        jw_object_begin(&w);
        jw_key(&w, "level");
        jw_string(&w, sarif_level(codes[i].severity));
        jw_object_end(&w);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_object_end(&w);
    jw_object_end(&w);
    jw_key(&w, "results");
    jw_array_begin(&w);
    for (size_t i = 0; i < findings->count; i++) {
        const Diag *d = &findings->items[i];
        int rule = -1;
        for (size_t k = 0; k < ncodes; k++)
            if (strcmp(codes[k].code, d->code) == 0) rule = (int)k;
        jw_object_begin(&w);
        jw_key(&w, "ruleId");
        jw_string(&w, d->code);
        if (rule >= 0) {
            jw_key(&w, "ruleIndex");
            jw_int(&w, rule);
        }
        jw_key(&w, "level");
        jw_string(&w, sarif_level(d->severity));
        jw_key(&w, "message");
        jw_object_begin(&w);
        jw_key(&w, "text");
        if (d->help) {
            size_t n = strlen(d->message) + strlen(d->help) + 16;
            char *text = malloc(n);
            if (text) snprintf(text, n, "%s. Fix: %s", d->message, d->help);
            jw_string(&w, text ? text : d->message);
            free(text);
        } else {
            jw_string(&w, d->message);
        }
        jw_object_end(&w);
        const char *path = d->path ? d->path
                         : d->loc.file >= 0 ? findings->sources->files[d->loc.file].path : NULL;
        if (path) {
            jw_key(&w, "locations");
            jw_array_begin(&w);
            jw_object_begin(&w);
            jw_key(&w, "physicalLocation");
            jw_object_begin(&w);
            jw_key(&w, "artifactLocation");
            jw_object_begin(&w);
            jw_key(&w, "uri");
            jw_string(&w, path);
            jw_object_end(&w);
            if (d->loc.first_line > 0) {
                jw_key(&w, "region");
                jw_object_begin(&w);
                jw_key(&w, "startLine");
                jw_int(&w, d->loc.first_line);
                jw_key(&w, "startColumn");
                jw_int(&w, d->loc.first_column > 0 ? d->loc.first_column : 1);
                if (d->loc.last_line >= d->loc.first_line && d->loc.last_column > 0) {
                    jw_key(&w, "endLine");
                    jw_int(&w, d->loc.last_line);
                    jw_key(&w, "endColumn");
                    jw_int(&w, d->loc.last_column + 1);   /* SARIF's end column is exclusive */
                }
                jw_object_end(&w);
            }
            jw_object_end(&w);
            jw_object_end(&w);
            jw_array_end(&w);
        }
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_object_end(&w);
    jw_array_end(&w);
    jw_object_end(&w);
    return jw_finish(&w);
}
