/* state.h — the state file of `skuld eval --save-state FILE`: the tenant's licensing
 * state after evaluation, in the licenses.csv format of CLI.md, so that
 * `skuld whatif --baseline current --state FILE` can start from it.
 *
 * One row per source: `user,product,disabled_plans,group,error`. A direct licence has
 * an empty group. A product held through a group has the group's name and an empty
 * error, or DependencyViolation when S8 keeps it in error. A (user, group, product) in
 * error and not held has the error code; its disabled_plans are those the group's
 * assignment disables. Direct-licence findings (S3) are not saved: they are recomputed.
 * Rows come by user (users.csv order), then product, then direct before groups in
 * processing order. A cell that begins with = + - @ (a spreadsheet would run it as a
 * formula) is written with a leading apostrophe, which the tenant loader takes off.
 * docs/whatif.md describes the format for people.
 */
#ifndef SKULD_STATE_H
#define SKULD_STATE_H

#include <stdio.h>
#include "eval.h"

/* Writes the state; 0, or -1 when writing failed. */
int state_write(const EvalState *st, FILE *out);

#endif
