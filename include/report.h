/* report.h — writing what an evaluation found: the JSON report of CLI.md (schema 1)
 * and a text report for people that mirrors the admin portal (products and seats,
 * groups with members in error, each user in error with the reason and the fix).
 */
#ifndef SKULD_REPORT_H
#define SKULD_REPORT_H

#include <stdio.h>
#include "eval.h"

typedef struct {
    int no_assignments;         /* JSON: leave "assignments" out */
    const char *group;          /* text: only this group */
    const char *user;           /* text: only this user */
} ReportOptions;

/* Per group: users with at least one violation through it. Caller frees. */
uint32_t *report_users_in_error(const EvalState *st);

/* Both return 0, or -1 when writing failed. */
int report_eval_json(const EvalState *st, FILE *out, const ReportOptions *opt);
int report_eval_text(const EvalState *st, FILE *out, const ReportOptions *opt);

#endif
