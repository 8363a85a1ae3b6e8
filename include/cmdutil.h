/* cmdutil.h — what every command does the same way: load the rule files it was given
 * (with the limits of its options) and write its report atomically to -o or stdout.
 */
#ifndef SKULD_CMDUTIL_H
#define SKULD_CMDUTIL_H

#include <stdio.h>
#include "options.h"
#include "rules.h"

/* rules_init + the options' limits + rules_load of the positional arguments. */
void cmd_load_rules(RuleSet *rs, const Options *o);

/* Calls write(ctx, out) on `path` (NULL or "-": stdout), atomically: on failure the
 * target is untouched and a message naming `command` is printed (unless write returned
 * -2: it reported the problem itself). 0, or -1. */
int cmd_write_output(const char *command, const char *path, int (*write)(void *ctx, FILE *out), void *ctx);

/* --scenario NAME|FILE: when no scenario of the rules has that name, loads FILE into the
 * rule set and returns its file index; -1 for a named scenario (or an error, reported). */
int cmd_scenario_source(RuleSet *rs, const char *scenario);

/* The scenario to run: by name (file < 0), else the one scenario block of file `file`
 * (an error when there is not exactly one). NULL when there is none. */
const Stmt *cmd_pick_scenario(RuleSet *rs, const char *name, int file);

#endif
