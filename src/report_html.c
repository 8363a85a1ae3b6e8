/* report_html.c — one self-contained HTML page for people who will not read JSON: seat
 * use per product as bars (inline SVG), the groups with members in error, each user in
 * error with the reason and the fix, and the what-if diff when a scenario was run. No
 * script, no external font or style sheet: it opens anywhere, offline. Every text from
 * the rules or the tenant is escaped. */
#include "report_html.h"

#include <stdlib.h>
#include <string.h>

/* Writes s with &, <, >, " and ' escaped. */
static void esc(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') fputs("&#xfffd;", out);
            else fputc(*s, out);
        }
    }
}

static const char style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#1b1b1b;max-width:70em}"
    "h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .6em;text-align:left;vertical-align:top}"
    "th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}.num{text-align:right}"
    ".err{color:#a4262c;font-weight:600}.fix{color:#555;font-size:.9em}.ok{color:#107c10}"
    ".gain{color:#107c10}.lose{color:#a4262c}svg text{font-size:12px;font-family:inherit}";

/* Seat use per product: a bar of consumed against seats (red past the seats). */
static void seat_bars(const EvalState *st, FILE *out)
{
    const Policy *p = st->p;
    uint32_t shown = 0;
    for (uint32_t i = 0; i < p->nproducts; i++) shown += st->consumed[i] > 0 || st->seats[i] != SEATS_UNLIMITED;
    int row = 26, label = 260, bar = 420;
    fprintf(out, "<svg role=\"img\" aria-label=\"seat use per product\" width=\"%d\" height=\"%u\" "
                 "xmlns=\"http://www.w3.org/2000/svg\">\n", label + bar + 170, shown * (unsigned)row + 10);
    uint32_t y = 5;
    for (uint32_t i = 0; i < p->nproducts; i++) {
        int64_t seats = st->seats[i], used = st->consumed[i];
        if (!used && seats == SEATS_UNLIMITED) continue;
        int64_t scale = seats == SEATS_UNLIMITED ? (used ? used : 1) : (used > seats ? used : (seats ? seats : 1));
        int w_used = (int)(bar * used / scale), w_seats = seats == SEATS_UNLIMITED ? bar : (int)(bar * seats / scale);
        int over = seats != SEATS_UNLIMITED && used > seats;
        fprintf(out, "<text x=\"0\" y=\"%u\">", y + 15);
        esc(out, p->products[i].name);
        fprintf(out, "</text>\n<rect x=\"%d\" y=\"%u\" width=\"%d\" height=\"18\" fill=\"#e6e6e6\"/>\n", label, y, w_seats);
        fprintf(out, "<rect class=\"bar\" x=\"%d\" y=\"%u\" width=\"%d\" height=\"18\" fill=\"%s\"/>\n", label, y, w_used,
                over ? "#d13438" : (seats != SEATS_UNLIMITED && used == seats ? "#ca5010" : "#0078d4"));
        if (seats == SEATS_UNLIMITED)
            fprintf(out, "<text x=\"%d\" y=\"%u\">%lld (no seat limit)</text>\n", label + bar + 8, y + 15, (long long)used);
        else
            fprintf(out, "<text x=\"%d\" y=\"%u\">%lld of %lld%s</text>\n", label + bar + 8, y + 15, (long long)used,
                    (long long)seats, over ? " (conflict)" : "");
        y += (uint32_t)row;
    }
    fputs("</svg>\n", out);
}

static void eval_sections(const EvalState *st, FILE *out)
{
    const Policy *p = st->p;
    uint32_t *in_error = report_users_in_error(st);
    fputs("<h2>Seats</h2>\n", out);
    seat_bars(st, out);
    fputs("<table><tr><th>Product</th><th>Name</th><th class=\"num\">Seats</th><th class=\"num\">Consumed</th>"
          "<th class=\"num\">Available</th><th class=\"num\">Conflict</th></tr>\n", out);
    for (uint32_t i = 0; i < p->nproducts; i++) {
        if (!st->consumed[i] && st->seats[i] == SEATS_UNLIMITED) continue;
        int64_t c = eval_conflict(st, i);
        fputs("<tr><td>", out);
        esc(out, p->products[i].name);
        fputs("</td><td>", out);
        esc(out, p->products[i].display);
        if (st->seats[i] == SEATS_UNLIMITED) fputs("</td><td class=\"num\">unlimited</td>", out);
        else fprintf(out, "</td><td class=\"num\">%lld</td>", (long long)st->seats[i]);
        fprintf(out, "<td class=\"num\">%lld</td>", (long long)st->consumed[i]);
        if (st->seats[i] == SEATS_UNLIMITED) fputs("<td class=\"num\">-</td>", out);
        else fprintf(out, "<td class=\"num\">%lld</td>",
                     (long long)(st->seats[i] > st->consumed[i] ? st->seats[i] - st->consumed[i] : 0));
        fprintf(out, "<td class=\"num%s\">%lld</td></tr>\n", c ? " err" : "", (long long)c);
    }
    fputs("</table>\n<h2>Groups with members in error</h2>\n", out);
    uint32_t groups = 0;
    for (uint32_t i = 0; i < p->ngroups; i++) groups += in_error[p->order[i]] > 0;
    if (!groups) fputs("<p class=\"ok\">No group has members in error.</p>\n", out);
    else {
        fputs("<table><tr><th>Group</th><th class=\"num\">Members</th><th class=\"num\">Licensed</th>"
              "<th class=\"num\">In error</th></tr>\n", out);
        for (uint32_t i = 0; i < p->ngroups; i++) {
            uint32_t g = p->order[i];
            if (!in_error[g]) continue;
            fputs("<tr><td>", out);
            esc(out, p->groups[g].name);
            fprintf(out, "</td><td class=\"num\">%u</td><td class=\"num\">%u</td><td class=\"num err\">%u</td></tr>\n",
                    st->groups[g].nmembers, st->groups[g].nmembers - in_error[g], in_error[g]);
        }
        fputs("</table>\n", out);
    }
    fputs("<h2>Users in error</h2>\n", out);
    if (!st->nviolations) fputs("<p class=\"ok\">No user is in error.</p>\n", out);
    for (int direct = 0; direct < 2; direct++)
        for (uint32_t i = 0; i < p->ngroups + (uint32_t)direct; i++) {
            int32_t g = direct ? EVAL_DIRECT : (int32_t)p->order[i];
            if (direct && i > 0) break;
            uint32_t n = 0;
            for (uint32_t k = 0; k < st->nviolations; k++) n += st->violations[k].group == g;
            if (!n) continue;
            fputs("<h3>", out);
            if (g < 0) fputs("Direct licences", out);
            else {
                fputs("Group ", out);
                esc(out, p->groups[g].name);
            }
            fputs("</h3>\n<table><tr><th>User</th><th>Product</th><th>Error</th><th>Why, and the fix</th></tr>\n", out);
            for (uint32_t k = 0; k < st->nviolations; k++) {
                const Violation *v = &st->violations[k];
                if (v->group != g) continue;
                fputs("<tr><td>", out);
                esc(out, st->t->users[v->user].id);
                fputs("</td><td>", out);
                esc(out, p->products[v->product].name);
                fprintf(out, "</td><td class=\"err\">%s</td><td>", violation_code_name(v->code));
                esc(out, v->detail);
                if (v->hint) {
                    fputs("<div class=\"fix\">Fix: ", out);
                    esc(out, v->hint);
                    fputs("</div>", out);
                }
                fputs("</td></tr>\n", out);
            }
            fputs("</table>\n", out);
        }
    free(in_error);
}

static void diff_section(const WhatifDiff *d, FILE *out)
{
    const Policy *p = d->state->p;
    fputs("<h2>What-if: ", out);
    esc(out, d->scenario);
    fputs("</h2>\n<table><tr><th>Product</th><th class=\"num\">Consumed before</th><th class=\"num\">after</th>"
          "<th class=\"num\">Seats before</th><th class=\"num\">after</th></tr>\n", out);
    for (uint32_t i = 0; i < p->nproducts; i++) {
        if (d->before->consumed[i] == d->after->consumed[i] && d->before->seats[i] == d->after->seats[i]) continue;
        fputs("<tr><td>", out);
        esc(out, p->products[i].name);
        fprintf(out, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>", (long long)d->before->consumed[i],
                (long long)d->after->consumed[i]);
        if (d->before->seats[i] == SEATS_UNLIMITED) fputs("<td class=\"num\">unlimited</td>", out);
        else fprintf(out, "<td class=\"num\">%lld</td>", (long long)d->before->seats[i]);
        if (d->after->seats[i] == SEATS_UNLIMITED) fputs("<td class=\"num\">unlimited</td></tr>\n", out);
        else fprintf(out, "<td class=\"num\">%lld</td></tr>\n", (long long)d->after->seats[i]);
    }
    fputs("</table>\n<p>The full diff, as text:</p>\n<pre>", out);
    /* the text diff, escaped */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem) {
        report_whatif_text(d, mem);
        fclose(mem);
        esc(out, text);
        free(text);
    }
    fputs("</pre>\n", out);
}

int report_html(const EvalState *st, const WhatifDiff *diff, const char *title, FILE *out)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
    esc(out, title);
    fprintf(out, "</title>\n<style>%s</style>\n</head><body>\n<h1>", style);
    esc(out, title);
    fprintf(out, "</h1>\n<p>%u users, %u assignments, %u licence errors.</p>\n", st->t->nusers, st->nlive,
            st->nviolations);
    eval_sections(st, out);
    if (diff) diff_section(diff, out);
    fputs("<p class=\"fix\">Made by skuld from the rules and the tenant data, before anything changed in the "
          "tenant.</p>\n</body></html>\n", out);
    return ferror(out) ? -1 : 0;
}
