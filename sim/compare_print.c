/* compare_print: the results of `samen compare` as an aligned table, CSV or JSON (docs/report.md). */
#include "compare_internal.h"
#include "stats.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- output --------------------------------------------------------------------------------- */

/* Decimals for a metric's numbers, from the magnitude of its typical value. */
static int decimals(double typical) {
    double a = fabs(typical);
    if (!isfinite(a)) return 3;
    return a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
}

static void json_str(FILE *out, const char *s) {
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}
static void json_num(FILE *out, double x) {
    if (isfinite(x))
        fprintf(out, "%.10g", x);
    else
        fputs("null", out);
}
/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_str(FILE *out, const char *s) {
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"') fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else
        fputs(s, out);
}
static void csv_num(FILE *out, double x) {
    if (isfinite(x)) fprintf(out, "%.10g", x);
}


static void point_label(FILE *out, const compare_file *f, int p) {
    for (int i = 0; i < f->n_design; i++)
        fprintf(out, "%s%s = %g", i ? ", " : "", f->design_key[i], f->design[(size_t)i * f->n_point + p]);
}

void compare_print_table(FILE *out, const compare_file *f, const compare_opts *o, int base, const compare_result *res) {
    int w = 9;
    for (int c = 0; c < f->n_cond; c++)
        if ((int)strlen(f->cond[c]) > w) w = (int)strlen(f->cond[c]);
    fprintf(out, "%s\n", *f->title ? f->title : *f->scenario_name ? f->scenario_name : f->path);
    fprintf(out, "%s: %s, %d conditions x %d replicates", f->path, f->source, f->n_cond, f->n_rep);
    if (f->has_point) fprintf(out, " x %d design points (%s)", f->n_point, *f->design_kind ? f->design_kind : "design");
    if (f->n_failed)
        fprintf(out, "\nfailed runs (run_status): %ld; their values are left out of every pair", f->n_failed);
    fprintf(out,
            "\nbaseline: %s. Difference = condition - baseline, paired by replicate (the same simulated\n"
            "worlds and opportunities in every condition), with a 95%% bootstrap interval (%d resamples).\n"
            "P(better): share of replicates in which the condition did better than the baseline (ties half).\n",
            f->cond[base], STATS_RESAMPLES);
    int notes = 0;
    for (int i = 0; i < res->n_rows && !o->sobol_only; i++) {
        const compare_row *r = &res->rows[i];
        const compare_metric *m = &compare_metrics[r->metric];
        if (r->cond == 0) { /* a new block: one metric at one point */
            if (f->has_point && (i == 0 || res->rows[i - 1].point != r->point)) {
                fprintf(out, "\n== design point %d of %d: ", r->point, f->n_point);
                point_label(out, f, r->point);
                fputs(" ==\n", out);
            }
            fprintf(out, "\n%s [%s; %s is better]\n", m->label, m->var, m->lower_is_better ? "lower" : "higher");
            fprintf(out, "  rank  %-*s  %10s  %10s  %-24s %9s  %5s\n", w, "condition", "mean", "difference",
                    "95% interval", "P(better)", "n");
        }
        const compare_row *b = &res->rows[i - r->cond + base];
        int dp = decimals(isfinite(b->mean) ? b->mean : r->mean);
        fprintf(out, "  %4d  %-*s  %10.*f  ", r->rank, w, f->cond[r->cond], dp, r->mean);
        if (r->cond == base)
            fprintf(out, "%10s\n", "(baseline)");
        else {
            char iv[64];
            snprintf(iv, sizeof iv, "[%+.*f, %+.*f]%s", dp, r->lo, dp, r->hi, r->enough ? "" : " *");
            if (!isfinite(r->lo)) snprintf(iv, sizeof iv, "(too few pairs) *");
            fprintf(out, "%+10.*f  %-24s %9.2f  %5d\n", dp, r->diff, iv, r->p_better, r->n);
        }
        int last = i + 1 == res->n_rows || res->rows[i + 1].cond == 0;
        if (last) { /* notes on intervals that are too wide */
            for (int c = 0; c < f->n_cond; c++) {
                const compare_row *q = &res->rows[i - r->cond + c];
                if (c == base || q->enough) continue;
                notes++;
                if (q->n < 2 || !isfinite(q->halfwidth))
                    fprintf(out, "  * %s: fewer than 2 replicates where both are defined: no interval.\n", f->cond[c]);
                else if (q->n < COMPARE_MIN_REPLICATES && !(q->halfwidth > q->wanted))
                    fprintf(out, "  * %s: only %d replicates; at least %d are needed for a dependable interval.\n",
                            f->cond[c], q->n, COMPARE_MIN_REPLICATES);
                else
                    fprintf(out, "  * %s: +/-%.*f is wider than useful (+/-%.*f); about %ld replicates would do.\n",
                            f->cond[c], dp + 1, q->halfwidth, dp + 1, q->wanted, q->needed);
            }
        }
    }
    if (notes) {
        if (o->width > 0)
            fprintf(out,
                    "\n* Too few replicates: the interval is wider than --width %g, or rests on fewer than %d\n"
                    "  replicates. Replicates needed = n x (half-width / wanted half-width)^2.\n",
                    o->width, COMPARE_MIN_REPLICATES);
        else
            fprintf(out,
                    "\n* Too few replicates for a useful interval. Useful: a half-width of at most a fifth of the\n"
                    "  outcome's standard deviation across replicates (a small effect) or a tenth of the difference\n"
                    "  itself, from at least %d replicates. Replicates needed = n x (half-width / useful)^2;\n"
                    "  --width W sets the wanted half-width instead.\n",
                    COMPARE_MIN_REPLICATES);
    }
    if (res->sobol_n) {
        fprintf(out,
                "\nSensitivity: Sobol indices over %d base rows of the Saltelli design (outcome = mean over\n"
                "replicates at each point; 95%% bootstrap intervals over the base rows, %d resamples).\n",
                res->sobol_n, SOBOL_RESAMPLES);
        int kw = 9;
        for (int i = 0; i < f->n_design; i++)
            if ((int)strlen(f->design_key[i]) > kw) kw = (int)strlen(f->design_key[i]);
        for (int i = 0; i < res->n_sob; i++) {
            const sobol_row *s = &res->sob[i];
            if (s->param == 0)
                fprintf(out, "\n%s, %s\n  %-*s  %-24s  %-24s\n", compare_metrics[s->metric].label, f->cond[s->cond], kw,
                        "parameter", "first order [95%]", "total order [95%]");
            char a[64], t[64];
            snprintf(a, sizeof a, "%.3f [%.3f, %.3f]", s->s.first, s->s.first_lo, s->s.first_hi);
            snprintf(t, sizeof t, "%.3f [%.3f, %.3f]", s->s.total, s->s.total_lo, s->s.total_hi);
            fprintf(out, "  %-*s  %-24s  %-24s\n", kw, f->design_key[s->param], a, t);
        }
    } else if (*res->sobol_note)
        fprintf(out, "\nNo Sobol indices: %s\n", res->sobol_note);
    else if (o->sobol_only)
        fprintf(out, "\nNo Sobol indices: the file has no Saltelli design.\n");
}

void compare_print_csv(FILE *out, const compare_file *f, const compare_opts *o, int base, const compare_result *res) {
    if (o->sobol_only) {
        fputs("metric,variable,condition,parameter,first,first_lo,first_hi,total,total_lo,total_hi\n", out);
        for (int i = 0; i < res->n_sob; i++) {
            const sobol_row *s = &res->sob[i];
            fprintf(out, "%s,%s,", compare_metrics[s->metric].name, compare_metrics[s->metric].var);
            csv_str(out, f->cond[s->cond]);
            fputc(',', out);
            csv_str(out, f->design_key[s->param]);
            const double v[6] = {s->s.first, s->s.first_lo, s->s.first_hi, s->s.total, s->s.total_lo, s->s.total_hi};
            for (int k = 0; k < 6; k++)
                fputc(',', out), csv_num(out, v[k]);
            fputc('\n', out);
        }
        return;
    }
    fputs("point,metric,variable,better,condition,baseline,rank,n,mean,mean_baseline,difference,lo,hi,p_better,"
          "halfwidth,wanted_halfwidth,enough,replicates_needed",
          out);
    for (int i = 0; i < f->n_design; i++)
        fputc(',', out), csv_str(out, f->design_key[i]);
    fputc('\n', out);
    for (int i = 0; i < res->n_rows; i++) {
        const compare_row *r = &res->rows[i];
        const compare_metric *m = &compare_metrics[r->metric];
        fprintf(out, "%d,%s,%s,%s,", r->point, m->name, m->var, m->lower_is_better ? "lower" : "higher");
        csv_str(out, f->cond[r->cond]);
        fputc(',', out);
        csv_str(out, f->cond[base]);
        fprintf(out, ",%d,%d", r->rank, r->n);
        int isb = r->cond == base;
        const double v[] = {r->mean, r->mean_base, r->diff, r->lo, r->hi, r->p_better, r->halfwidth, r->wanted};
        for (int k = 0; k < 8; k++)
            fputc(',', out), csv_num(out, isb && k >= 3 && k != 7 ? NAN : v[k]);
        fprintf(out, ",%s,", isb ? "" : r->enough ? "true" : "false");
        if (!isb) fprintf(out, "%ld", r->needed);
        for (int k = 0; k < f->n_design; k++)
            fputc(',', out), csv_num(out, f->design[(size_t)k * f->n_point + r->point]);
        fputc('\n', out);
    }
}

void compare_print_json(FILE *out, const compare_file *f, const compare_opts *o, int base, const compare_result *res) {
    fputs("{\n  \"file\": ", out);
    json_str(out, f->path);
    fputs(",\n  \"source\": ", out);
    json_str(out, f->source);
    fputs(",\n  \"title\": ", out);
    json_str(out, f->title);
    fprintf(out, ",\n  \"replicates\": %d,\n  \"points\": %d,\n  \"failed_runs\": %ld,\n  \"conditions\": [", f->n_rep,
            f->n_point, f->n_failed);
    for (int c = 0; c < f->n_cond; c++) {
        if (c) fputs(", ", out);
        json_str(out, f->cond[c]);
    }
    fputs("],\n  \"baseline\": ", out);
    json_str(out, f->cond[base]);
    fprintf(out, ",\n  \"confidence\": 0.95,\n  \"resamples\": %d,\n  \"min_replicates\": %d,\n  \"width\": ",
            STATS_RESAMPLES, COMPARE_MIN_REPLICATES);
    json_num(out, o->width > 0 ? o->width : NAN);
    fputs(",\n  \"design\": {\"kind\": ", out);
    json_str(out, f->design_kind);
    fputs(", \"parameters\": [", out);
    for (int i = 0; i < f->n_design; i++) {
        if (i) fputs(", ", out);
        json_str(out, f->design_key[i]);
    }
    fputs("], \"values\": [", out);
    for (int p = 0; p < (f->n_design ? f->n_point : 0); p++) {
        fputs(p ? ", [" : "[", out);
        for (int i = 0; i < f->n_design; i++) {
            if (i) fputs(", ", out);
            json_num(out, f->design[(size_t)i * f->n_point + p]);
        }
        fputc(']', out);
    }
    fputs("]},\n  \"comparisons\": [", out);
    for (int i = 0; i < res->n_rows && !o->sobol_only; i++) { /* --sobol: only the indices */
        const compare_row *r = &res->rows[i];
        const compare_metric *m = &compare_metrics[r->metric];
        int isb = r->cond == base;
        fprintf(out,
                "%s\n    {\"point\": %d, \"metric\": \"%s\", \"variable\": \"%s\", \"better\": \"%s\", \"condition\": ",
                i ? "," : "", r->point, m->name, m->var, m->lower_is_better ? "lower" : "higher");
        json_str(out, f->cond[r->cond]);
        fprintf(out, ", \"is_baseline\": %s, \"rank\": %d, \"n\": %d, \"mean\": ", isb ? "true" : "false", r->rank,
                r->n);
        json_num(out, r->mean);
        fputs(", \"mean_baseline\": ", out);
        json_num(out, r->mean_base);
        fputs(", \"difference\": ", out);
        json_num(out, isb ? 0 : r->diff);
        fputs(", \"lo\": ", out);
        json_num(out, isb ? NAN : r->lo);
        fputs(", \"hi\": ", out);
        json_num(out, isb ? NAN : r->hi);
        fputs(", \"p_better\": ", out);
        json_num(out, isb ? NAN : r->p_better);
        fputs(", \"halfwidth\": ", out);
        json_num(out, isb ? NAN : r->halfwidth);
        fputs(", \"wanted_halfwidth\": ", out);
        json_num(out, r->wanted);
        fprintf(out, ", \"enough\": %s, \"replicates_needed\": ", isb ? "null" : r->enough ? "true" : "false");
        if (isb)
            fputs("null}", out);
        else
            fprintf(out, "%ld}", r->needed);
    }
    fprintf(out, "\n  ],\n  \"sobol_base_rows\": %d,\n  \"sobol_note\": ", res->sobol_n);
    json_str(out, res->sobol_note);
    fputs(",\n  \"sobol\": [", out);
    for (int i = 0; i < res->n_sob; i++) {
        const sobol_row *s = &res->sob[i];
        fprintf(out, "%s\n    {\"metric\": \"%s\", \"condition\": ", i ? "," : "", compare_metrics[s->metric].name);
        json_str(out, f->cond[s->cond]);
        fputs(", \"parameter\": ", out);
        json_str(out, f->design_key[s->param]);
        const char *k[6] = {"first", "first_lo", "first_hi", "total", "total_lo", "total_hi"};
        const double v[6] = {s->s.first, s->s.first_lo, s->s.first_hi, s->s.total, s->s.total_lo, s->s.total_hi};
        for (int j = 0; j < 6; j++) {
            fprintf(out, ", \"%s\": ", k[j]);
            json_num(out, v[j]);
        }
        fputc('}', out);
    }
    fputs("\n  ]\n}\n", out);
}
