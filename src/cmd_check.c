/* cmd_check.c — `skuld check RULES...`: compile and report (CLI.md). */
#include <stdio.h>

#include "checker.h"
#include "cmdutil.h"
#include "commands.h"
#include "options.h"
#include "rules.h"

static const char check_usage[] =
    "usage: skuld check RULES... [--format text|json]\n"
    "\n"
    "Parses the rule files (and their includes), runs the rule-set checks C1-C7 and\n"
    "prints every error and warning with its place in the source.\n"
    "\n"
    "options:\n"
    "  --format text|json       text for people (default), json for editors and CI\n"
    "  --max-diagnostics N      keep at most N messages (default 200)\n"
    "  --max-include-depth N    refuse include chains deeper than N (default 64)\n"
    "  --max-line-length N      refuse rule-file lines longer than N bytes (default 128 MiB)\n"
    "  --allow-include-outside  let includes read files outside the folder of the\n"
    "                           rule file (or folder) named on the command line\n"
    "\n"
    "exit status: 0 no errors (warnings allowed), 1 errors, 2 unreadable input\n";

int cmd_check(int argc, char **argv)
{
    Options o;
    if (!options_parse(&o, "check", OPT_FORMAT | OPT_LIMITS, argc, argv)) {
        options_free(&o);
        return 2;
    }
    if (o.help) {
        fputs(check_usage, stdout);
        options_free(&o);
        return 0;
    }
    if (o.npositional == 0) {
        fputs("skuld check: name at least one rule file or directory\n\n", stderr);
        fputs(check_usage, stderr);
        options_free(&o);
        return 2;
    }
    RuleSet rs;
    cmd_load_rules(&rs, &o);
    Policy *policy = NULL;
    if (!rs.unreadable) policy = check_rules(&rs);
    if (o.format == FORMAT_JSON) diag_print_json(&rs.diags, stdout);
    else diag_print_text(&rs.diags, stderr);
    int status = rs.unreadable ? 2 : rs.diags.errors ? 1 : 0;
    policy_free(policy);
    rules_free(&rs);
    options_free(&o);
    return status;
}
