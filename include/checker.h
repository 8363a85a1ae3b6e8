/* checker.h — the rule-set checks C1–C7 (SEMANTICS.md), in a pass of their own after
 * parsing, and the compilation of a clean rule set into a Policy.
 *
 * Diagnostics go to the rule set's list. Returns the policy when the rules have no
 * errors (warnings allowed), else NULL. The policy borrows the scenarios' syntax
 * trees from rs: free it before rs.
 */
#ifndef SKULD_CHECKER_H
#define SKULD_CHECKER_H

#include "policy.h"
#include "rules.h"

Policy *check_rules(RuleSet *rs);

#endif
