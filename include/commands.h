/* commands.h — the subcommands (CLI.md). Each takes the arguments after its name and
 * returns the process exit status: 0 done, 1 done with findings, 2 could not do it.
 */
#ifndef SKULD_COMMANDS_H
#define SKULD_COMMANDS_H

#define SKULD_VERSION "0.1.0"

int cmd_check(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_whatif(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
