/* parser.y — the grammar of skuld rule files (LANGUAGE.md).
 *
 * A pure, reentrant parser with locations. Each statement becomes a Stmt appended to
 * ctx->out as soon as it is complete. A syntax error does not end the parse: the
 * parser recovers at the next ';' or '}' (statement level, inside and outside blocks)
 * and goes on, so one run reports every error in a file.
 *
 * Ownership: semantic values own their strings and nodes until a rule hands them to
 * a bigger node; %destructor frees whatever error recovery discards.
 */
%code requires {
#include <stdint.h>
#include "ast.h"
#include "parse.h"
#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
}

%code provides {
int yylex(YYSTYPE *yylval, YYLTYPE *yylloc, yyscan_t scanner);
/* The scanner proper; yylex wraps it to remember where the previous token ended. */
int sk_scan(YYSTYPE *yylval, YYLTYPE *yylloc, yyscan_t scanner);
}

%code {
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "lexer.h"

#define LOC(l) parse_loc(ctx, (l).first_line, (l).first_column, (l).last_line, (l).last_column)

static Stmt *stmt_new(ParseCtx *ctx, StmtKind kind, YYLTYPE at);
static Name name_none(void);
static void add_assign(ParseCtx *ctx, Stmt *group, AssignSpec *spec);
static void add_change(ParseCtx *ctx, Stmt *scenario, Change *change);
static void yyerror(YYLTYPE *loc, yyscan_t scanner, ParseCtx *ctx, const char *msg);
}

%define api.pure full
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {yyscan_t scanner}
%parse-param {ParseCtx *ctx}

%union {
    char *str;
    long long num;
    Name name;
    NameList names;
    AssignSpec assign;
    Change change;
    Stmt *stmt;
}

%token <str> IDENT "name" STRING "string"
%token <num> INTEGER "integer"
%token LEX_ERROR "invalid token"
%token KW_INCLUDE "include" KW_DIRECTORY "directory" KW_LOCATION "location"
%token KW_PLAN "plan" KW_ID "id" KW_MAILBOX "mailbox" KW_PRODUCT "product"
%token KW_PLANS "plans" KW_SEATS "seats" KW_CONFLICT "conflict" KW_REQUIRE "require"
%token KW_RESTRICT "restrict" KW_ALLOW "allow" KW_DENY "deny" KW_GROUP "group"
%token KW_PRIORITY "priority" KW_ASSIGN "assign" KW_EXCEPT "except" KW_ONLY "only"
%token KW_SCENARIO "scenario" KW_ADD "add" KW_TO "to" KW_REMOVE "remove" KW_FROM "from"
%token KW_SET "set" KW_LICENSE "license" KW_UNLICENSE "unlicense" KW_UNASSIGN "unassign"
%token KW_REPROCESS "reprocess" KW_USER "user" KW_NONE "none"

%type <name> name country string
%type <names> name_list alternatives country_list
%type <assign> assign_spec
%type <change> change
%type <stmt> stmt plan_attrs product_items group_items changes
%type <num> opt_priority allow_deny

%destructor { free($$); } <str>
%destructor { name_free(&$$); } <name>
%destructor { name_list_free(&$$); } <names>
%destructor { assign_spec_free(&$$); } <assign>
%destructor { change_free(&$$); } <change>
%destructor { ast_stmt_free($$); } <stmt>

%%

file
    : %empty
    | file stmt            { if ($2) stmt_list_append(ctx->out, $2); }
    ;

stmt
    : "include" string ';'
        { $$ = stmt_new(ctx, ST_INCLUDE, @1); $$->u.include.path = $2; }
    | "directory" "location" country ';'
        { $$ = stmt_new(ctx, ST_DIRECTORY, @1); $$->u.directory.country = $3; }
    | "plan" name plan_attrs ';'
        { $$ = $3; $$->loc = LOC(@1); $$->u.plan.name = $2; }
    | "product" name '{' product_items '}'
        { $$ = $4; $$->loc = LOC(@1); $$->u.product.name = $2; }
    | "product" name string '{' product_items '}'
        { $$ = $5; $$->loc = LOC(@1); $$->u.product.name = $2; $$->u.product.display = $3; }
    | "product" name '{' product_items error '}'
        { $$ = $4; $$->loc = LOC(@1); $$->u.product.name = $2; yyerrok; }
    | "product" name string '{' product_items error '}'
        { $$ = $5; $$->loc = LOC(@1); $$->u.product.name = $2; $$->u.product.display = $3; yyerrok; }
    | "seats" name INTEGER ';'
        { $$ = stmt_new(ctx, ST_SEATS, @1); $$->u.seats.product = $2;
          $$->u.seats.seats = $3; $$->u.seats.seats_loc = LOC(@3); }
    | "conflict" name_list ';'
        { $$ = stmt_new(ctx, ST_CONFLICT, @1); $$->u.conflict.plans = $2; }
    | "require" name ':' alternatives ';'
        { $$ = stmt_new(ctx, ST_REQUIRE, @1); $$->u.require.plan = $2; $$->u.require.any_of = $4; }
    | "restrict" name allow_deny country_list ';'
        { $$ = stmt_new(ctx, ST_RESTRICT, @1); $$->u.restrict_.plan = $2;
          $$->u.restrict_.allow = (int)$3; $$->u.restrict_.mode_loc = LOC(@3);
          $$->u.restrict_.countries = $4; }
    | "group" name opt_priority '{' group_items '}'
        { $$ = $5; $$->loc = LOC(@1); $$->u.group.name = $2;
          $$->u.group.priority = $3; }
    | "group" name opt_priority '{' group_items error '}'
        { $$ = $5; $$->loc = LOC(@1); $$->u.group.name = $2;
          $$->u.group.priority = $3; yyerrok; }
    | "scenario" name '{' changes '}'
        { $$ = $4; $$->loc = LOC(@1); $$->u.scenario.name = $2; }
    | "scenario" name '{' changes error '}'
        { $$ = $4; $$->loc = LOC(@1); $$->u.scenario.name = $2; yyerrok; }
    | error ';'            { $$ = NULL; yyerrok; }
    | error '}'            { $$ = NULL; yyerrok; }
    ;

plan_attrs
    : %empty               { $$ = stmt_new(ctx, ST_PLAN, @$); }
    | plan_attrs string
        { $$ = $1;
          if ($$->u.plan.display.text) {
              diag_add(ctx->diags, SEV_ERROR, $2.loc, "syntax", "a plan has one display name",
                       "second display name for a plan");
              name_free(&$2);
          } else {
              $$->u.plan.display = $2;
          } }
    | plan_attrs "id" string
        { $$ = $1;
          if ($$->u.plan.guid.text) {
              diag_add(ctx->diags, SEV_ERROR, LOC(@2), "C2", NULL, "a plan has one id");
              name_free(&$3);
          } else {
              $$->u.plan.guid = $3;
          } }
    | plan_attrs "mailbox" { $$ = $1; $$->u.plan.mailbox = 1; }
    ;

product_items
    : %empty               { $$ = stmt_new(ctx, ST_PRODUCT, @$); }
    | product_items "id" string ';'
        { $$ = $1;
          if ($$->u.product.guid_count++ == 0) $$->u.product.guid = $3;
          else { $$->u.product.second_guid_loc = LOC(@2); name_free(&$3); } }
    | product_items "plans" name_list ';'
        { $$ = $1; $$->u.product.has_plans = 1;
          if (!$$->u.product.plans.count) $$->u.product.plans.loc = $3.loc;
          for (size_t i = 0; i < $3.count; i++) name_list_push(&$$->u.product.plans, $3.items[i]);
          free($3.items); }
    | product_items "seats" INTEGER ';'
        { $$ = $1;
          if ($$->u.product.seats_count++ == 0) { $$->u.product.seats = $3; $$->u.product.seats_loc = LOC(@3); }
          else $$->u.product.second_seats_loc = LOC(@3); }
    | product_items error ';'  { $$ = $1; yyerrok; }
    ;

opt_priority
    : %empty               { $$ = 0; }
    | "priority" INTEGER   { $$ = $2; }
    ;

group_items
    : %empty               { $$ = stmt_new(ctx, ST_GROUP, @$); }
    | group_items "assign" assign_spec ';'
        { $$ = $1; add_assign(ctx, $$, &$3); }
    | group_items error ';'    { $$ = $1; yyerrok; }
    ;

assign_spec
    : name
        { memset(&$$, 0, sizeof $$); $$.product = $1; $$.mode = ASSIGN_ALL; $$.loc = LOC(@$); }
    | name "except" name_list
        { memset(&$$, 0, sizeof $$); $$.product = $1; $$.mode = ASSIGN_EXCEPT; $$.plans = $3; $$.loc = LOC(@$); }
    | name "only" name_list
        { memset(&$$, 0, sizeof $$); $$.product = $1; $$.mode = ASSIGN_ONLY; $$.plans = $3; $$.loc = LOC(@$); }
    ;

changes
    : %empty               { $$ = stmt_new(ctx, ST_SCENARIO, @$); }
    | changes change       { $$ = $1; add_change(ctx, $$, &$2); }
    | changes error ';'    { $$ = $1; yyerrok; }
    ;

change
    : "add" string "to" string ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_ADD; $$.loc = LOC(@1); $$.user = $2; $$.group = $4; }
    | "remove" string "from" string ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_REMOVE; $$.loc = LOC(@1); $$.user = $2; $$.group = $4; }
    | "set" "location" string country ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_SET_LOCATION; $$.loc = LOC(@1); $$.user = $3; $$.country = $4; }
    | "set" "location" string "none" ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_SET_LOCATION; $$.loc = LOC(@1); $$.user = $3;
          $$.country = name_none(); $$.country.loc = LOC(@4); }
    | "set" "seats" name INTEGER ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_SET_SEATS; $$.loc = LOC(@1); $$.product = $3;
          $$.seats = $4; $$.seats_loc = LOC(@4); }
    | "license" string assign_spec ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_LICENSE; $$.loc = LOC(@1); $$.user = $2; $$.assign = $3; }
    | "unlicense" string name ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_UNLICENSE; $$.loc = LOC(@1); $$.user = $2; $$.product = $3; }
    | "group" string "assign" assign_spec ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_GROUP_ASSIGN; $$.loc = LOC(@1); $$.group = $2; $$.assign = $4; }
    | "group" string "unassign" name ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_GROUP_UNASSIGN; $$.loc = LOC(@1); $$.group = $2; $$.product = $4; }
    | "reprocess" string ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_REPROCESS_GROUP; $$.loc = LOC(@1); $$.group = $2; }
    | "reprocess" "group" string ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_REPROCESS_GROUP; $$.loc = LOC(@1); $$.group = $3; }
    | "reprocess" "user" string ';'
        { memset(&$$, 0, sizeof $$); $$.kind = CH_REPROCESS_USER; $$.loc = LOC(@1); $$.user = $3; }
    ;

allow_deny
    : "allow"              { $$ = 1; }
    | "deny"               { $$ = 0; }
    ;

name
    : IDENT                { $$.text = $1; $$.loc = LOC(@1); $$.quoted = 0; }
    | STRING               { $$.text = $1; $$.loc = LOC(@1); $$.quoted = 1; }
    ;

string
    : STRING               { $$.text = $1; $$.loc = LOC(@1); $$.quoted = 1; }
    ;

/* Two-letter country codes; "to" (Tonga) and "id" (Indonesia) are keywords too. */
country
    : IDENT                { $$.text = $1; $$.loc = LOC(@1); $$.quoted = 0; }
    | STRING               { $$.text = $1; $$.loc = LOC(@1); $$.quoted = 1; }
    | "to"                 { $$.text = str_ndup("to", 2); $$.loc = LOC(@1); $$.quoted = 0; }
    | "id"                 { $$.text = str_ndup("id", 2); $$.loc = LOC(@1); $$.quoted = 0; }
    ;

name_list
    : name                 { memset(&$$, 0, sizeof $$); name_list_push(&$$, $1); $$.loc = LOC(@$); }
    | name_list ',' name   { $$ = $1; name_list_push(&$$, $3); $$.loc = LOC(@$); }
    ;

alternatives
    : name                 { memset(&$$, 0, sizeof $$); name_list_push(&$$, $1); $$.loc = LOC(@$); }
    | alternatives '|' name { $$ = $1; name_list_push(&$$, $3); $$.loc = LOC(@$); }
    ;

country_list
    : country              { memset(&$$, 0, sizeof $$); name_list_push(&$$, $1); $$.loc = LOC(@$); }
    | country_list ',' country { $$ = $1; name_list_push(&$$, $3); $$.loc = LOC(@$); }
    ;

%%

SkLoc parse_loc(const ParseCtx *ctx, int first_line, int first_column, int last_line, int last_column)
{
    SkLoc loc = { ctx->file, first_line, first_column, last_line, last_column };
    return loc;
}

/* A new, zeroed statement of the current file; on no memory the process ends (a parse
 * cannot go on without its tree). */
static Stmt *stmt_new(ParseCtx *ctx, StmtKind kind, YYLTYPE at)
{
    Stmt *s = calloc(1, sizeof *s);
    if (!s) { fprintf(stderr, "skuld: fatal: out of memory\n"); exit(3); }
    s->kind = kind;
    s->file = ctx->file;
    s->loc = LOC(at);
    return s;
}

static Name name_none(void)
{
    Name n;
    memset(&n, 0, sizeof n);
    return n;
}

static void add_assign(ParseCtx *ctx, Stmt *group, AssignSpec *spec)
{
    (void)ctx;
    if (!grow_array((void **)&group->u.group.assigns, &group->u.group.cap, group->u.group.count + 1,
                    sizeof *group->u.group.assigns)) {
        assign_spec_free(spec);
        return;
    }
    group->u.group.assigns[group->u.group.count++] = *spec;
}

static void add_change(ParseCtx *ctx, Stmt *scenario, Change *change)
{
    (void)ctx;
    if (!grow_array((void **)&scenario->u.scenario.changes, &scenario->u.scenario.cap,
                    scenario->u.scenario.count + 1, sizeof *scenario->u.scenario.changes)) {
        change_free(change);
        return;
    }
    scenario->u.scenario.changes[scenario->u.scenario.count++] = *change;
}

static void yyerror(YYLTYPE *loc, yyscan_t scanner, ParseCtx *ctx, const char *msg)
{
    (void)scanner;
    ctx->syntax_errors++;
    diag_add(ctx->diags, SEV_ERROR, LOC(*loc), "syntax", NULL, "%s", msg);
}

/* A token as messages show it: keywords in quotes, classes of tokens by name. */
static const char *symbol_text(yysymbol_kind_t sym)
{
    static char buf[4][40];
    static int next;
    const char *name = yysymbol_name(sym);
    if (sym == YYSYMBOL_IDENT || sym == YYSYMBOL_STRING || sym == YYSYMBOL_INTEGER || sym == YYSYMBOL_YYEOF ||
        name[0] == '\'' || name[0] == '"')
        return name;
    char *b = buf[next++ & 3];
    snprintf(b, sizeof buf[0], "'%s'", name);
    return b;
}

int yylex(YYSTYPE *yylval, YYLTYPE *yylloc, yyscan_t scanner)
{
    ParseCtx *ctx = yyget_extra(scanner);
    int tok = sk_scan(yylval, yylloc, scanner);
    ctx->prev_token = ctx->cur_token;
    ctx->cur_token = LOC(*yylloc);
    return tok;
}

/* "unexpected X, expected A, B or C"; silent after a token the scanner already
 * reported. At the end of the file inside a block, points at the open brace. */
static int yyreport_syntax_error(const yypcontext_t *pctx, yyscan_t scanner, ParseCtx *ctx)
{
    (void)scanner;
    ctx->syntax_errors++;
    yysymbol_kind_t got = yypcontext_token(pctx);
    if (got == YYSYMBOL_LEX_ERROR) return 0;
    yysymbol_kind_t expected[8];
    int n = yypcontext_expected_tokens(pctx, expected, 8);
    SkLoc at = LOC(*yypcontext_location(pctx));
    /* A statement whose ';' is missing at the end of a line: point at its end. */
    int semicolon_expected = 0;
    for (int i = 0; i < n; i++) semicolon_expected |= strcmp(yysymbol_name(expected[i]), "';'") == 0;
    if (semicolon_expected && ctx->prev_token.first_line > 0 && ctx->prev_token.last_line < at.first_line) {
        SkLoc end = ctx->prev_token;
        end.first_line = end.last_line;
        end.first_column = end.last_column;
        diag_add(ctx->diags, SEV_ERROR, end, "syntax", "end each statement with ';'", "missing ';' at the end of the statement");
        return 0;
    }
    StrBuf msg = {0};
    if (got == YYSYMBOL_YYEOF) sb_puts(&msg, "unexpected end of file");
    else sb_printf(&msg, "unexpected %s", symbol_text(got));
    if (n > 0) {
        sb_puts(&msg, ", expected ");
        for (int i = 0; i < n; i++) {
            if (i > 0) sb_puts(&msg, i == n - 1 ? " or " : ", ");
            sb_puts(&msg, symbol_text(expected[i]));
        }
    }
    char *help = NULL;
    if (got == YYSYMBOL_YYEOF && ctx->brace_depth > 0)
        help = str_printf("the block opened at line %d is never closed with '}'",
                          ctx->last_open_brace.first_line);
    char *text = sb_take(&msg);
    diag_add(ctx->diags, SEV_ERROR, at, "syntax", help, "%s", text);
    free(text);
    free(help);
    return 0;
}

int parse_rule_file(SourceSet *sources, int file, StmtList *out, DiagList *diags)
{
    ParseCtx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.diags = diags;
    ctx.out = out;
    ctx.file = file;
    ctx.line = 1;
    ctx.column = 1;
    yyscan_t scanner;
    if (yylex_init_extra(&ctx, &scanner) != 0) {
        diag_add(diags, SEV_ERROR, loc_none(), "io", NULL, "out of memory starting the scanner");
        return 1;
    }
    const SourceFile *f = &sources->files[file];
    YY_BUFFER_STATE buf = yy_scan_bytes(f->text, (int)f->len, scanner);
    int rc = yyparse(scanner, &ctx);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    if (rc != 0 && ctx.syntax_errors == 0) ctx.syntax_errors = 1;
    return ctx.syntax_errors;
}
