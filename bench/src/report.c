#include "report.h"

/* Target time per operation over the baseline's: 1.00 is the physical
 * limit, 1.10 is 10% slower than bare syscalls, whatever the unit. */
static double cost_ratio(const struct measurement *m) {
    return m->target.median / m->raw.median;
}

/* (max - min) / median of one side's runs, in percent. */
static double spread_pct(const struct side *s) {
    return (s->max - s->min) / s->median * 100.0;
}

void table_header(FILE *out, const char *target_name) {
    fprintf(out, "%-27s %-7s %12s %12s %7s %13s\n", "figure", "unit", "raw limit",
        target_name, "x raw", "spread r/t %");
}

void table_row(FILE *out, const struct measurement *m) {
    const struct figure *f = m->figure;
    fprintf(out, "%-27s %-7s %12.2f %12.2f %7.2f %6.1f/%-6.1f\n", f->name,
        unit_label(f->unit), unit_value(f, m->raw.median), unit_value(f, m->target.median),
        cost_ratio(m), spread_pct(&m->raw), spread_pct(&m->target));
    fflush(out);
}

void tsv_header(FILE *out) {
    fprintf(out, "figure\tunit\traw\ttarget\tx_raw\traw_ns_op\ttarget_ns_op"
        "\traw_spread_pct\ttarget_spread_pct\traw_ops_per_run\ttarget_ops_per_run\truns\n");
}

void tsv_row(FILE *out, const struct measurement *m, int runs) {
    const struct figure *f = m->figure;
    fprintf(out, "%s\t%s\t%.6g\t%.6g\t%.3f\t%.1f\t%.1f\t%.1f\t%.1f\t%llu\t%llu\t%d\n",
        f->name, unit_label(f->unit), unit_value(f, m->raw.median),
        unit_value(f, m->target.median), cost_ratio(m), m->raw.median, m->target.median,
        spread_pct(&m->raw), spread_pct(&m->target),
        (unsigned long long)m->raw.count, (unsigned long long)m->target.count, runs);
}
