/* One service: its windows and replicas as charts, why, GPU per pod,
 * HPA conditions and its events. */
#include "tui/tui_internal.h"

#include "tui/chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A chart block: a label line, then `rows` rows of the series; `ref`, when
 * not NaN, is drawn as a dashed line where the chart is empty (the target
 * or the panic threshold, at its current value). */
static int chart_block(struct tui *t, int y, const char *label, const struct history *h,
                       enum hist_series series, enum role r, int rows, double ref,
                       const char *ref_label) {
    const int cols = COLS - 12 < CHART_CELLS ? COLS - 12 : CHART_CELLS;
    static double tail[2 * CHART_CELLS]; /* two points per cell */
    /* the whole span, a point per half cell: a second each up to twice the
     * width, the largest of several seconds beyond */
    const size_t k = history_points(h, series, t->span_s, 2 * (size_t)cols, tail);
    double max = 0;
    for (size_t i = 0; i < k; i++)
        if (!isnan(tail[i]) && tail[i] > max)
            max = tail[i];
    if (!isnan(ref) && ref * 1.05 > max)
        max = ref * 1.05;
    char head[200], now[40], refs[40];
    tui_fmt_value(history_last(h, series), now, sizeof(now));
    tui_fmt_value(ref, refs, sizeof(refs));
    if (isnan(ref))
        snprintf(head, sizeof(head), "%s  now %s", label, now);
    else
        snprintf(head, sizeof(head), "%s  now %s  %s %s %s", label, now,
                 t->opt->ascii ? "---" : "╌╌╌", ref_label, refs);
    tui_put(y, 1, tui_role(t, R_TITLE), head);
    const size_t stride = (size_t)cols * 3 + 1;
    chart_render(tail, k, max > 0 ? max : 1, rows, cols,
                 t->opt->ascii ? CHART_ASCII : CHART_BRAILLE, t->chart_buf, stride);
    const int ref_row = isnan(ref) ? -1 : chart_row_of(ref, max > 0 ? max : 1, rows);
    for (int row = 0; row < rows; row++) {
        char scale[40];
        if (row == 0 || row == ref_row) {
            tui_fmt_value(row == 0 ? max : ref, scale, sizeof(scale));
            tui_put(y + 1 + row, 1, tui_role(t, row == ref_row ? R_OVERRIDE : R_DIM), scale);
        }
        const char *line = t->chart_buf + (size_t)row * stride;
        tui_put(y + 1 + row, 11, tui_role(t, r), line);
        if (row != ref_row)
            continue;
        int cell = 0;
        for (const char *p = line; *p; cell++) {
            if (*p == ' ')
                tui_put(y + 1 + row, 11 + cell, tui_role(t, R_OVERRIDE), t->opt->ascii ? "-" : "╌");
            p += *p == ' ' || (unsigned char)*p < 0x80 ? 1 : 3;
        }
    }
    return y + 1 + rows;
}

/* Where load tests ran, under the charts and on their time axis: the
 * operator sees the autoscaler answer the load. */
static int load_strip(struct tui *t, int y, const struct history *h) {
    const int cols = COLS - 12 < CHART_CELLS ? COLS - 12 : CHART_CELLS;
    static double tail[2 * CHART_CELLS];
    const size_t k = history_points(h, H_LOAD, t->span_s, 2 * (size_t)cols, tail);
    bool any = false;
    for (size_t i = 0; i < k && !any; i++)
        any = tail[i] > 0;
    if (!any)
        return y;
    tui_put(y, 1, tui_role(t, R_DIM), "load");
    for (int c = 0; c < cols; c++) { /* cell c: points 2c, 2c+1 of the last 2*cols, as a chart's */
        bool on = false;
        for (long j = 0; j < 2; j++) {
            const long idx = (long)k - 2L * cols + 2L * c + j;
            on |= idx >= 0 && tail[idx] > 0;
        }
        if (on)
            tui_put(y, 11 + c, tui_role(t, R_OVERRIDE), t->opt->ascii ? "=" : "\xe2\x96\x80");
    }
    return y + 1;
}

/* The service's own exporter (live, --exporter): its figures on a line,
 * who told them, and its first figure charted where the screen has room. */
static int signal_block(struct tui *t, int y, size_t svc, int rows) {
    const struct snapshot *s = t->snap;
    const struct source_signals *g = &s->signals;
    if (s->focus != svc || g->n == 0 || t->sig_svc != svc || y >= LINES - 4)
        return y;
    if (LINES >= 30) {
        char label[64];
        snprintf(label, sizeof(label), "%s %s%s%s", g->exporter, g->v[0].name,
                 g->v[0].unit[0] ? " " : "", g->v[0].unit);
        y = chart_block(t, y, label, &t->sig_hist, H_STABLE, R_STABLE, rows, NAN, "");
    }
    char line[sizeof(g->note) + 200];
    size_t at = (size_t)snprintf(line, sizeof(line), " %s:", g->exporter);
    for (size_t k = 0; k < g->n && at < sizeof(line); k++) {
        char v[40];
        tui_fmt_value(g->v[k].value, v, sizeof(v));
        at += (size_t)snprintf(line + at, sizeof(line) - at, "%s %s %s%s", k ? "," : "",
                               g->v[k].name, v, isnan(g->v[k].value) ? "" : g->v[k].unit);
    }
    if (at < sizeof(line))
        snprintf(line + at, sizeof(line) - at, "   (%s)", g->note);
    const bool stale = strstr(g->note, "stale") || strstr(g->note, "; pod ");
    tui_put(y++, 0, tui_role(t, stale ? R_WARN : R_NORMAL), line);
    return y;
}

/* htop-style bars, three to a line: each ready pod's GPU utilization, from
 * the snapshot only when it is of this service (the focus follows j/k a
 * publication later). */
static int gpu_bars(struct tui *t, int y, size_t svc) {
    const struct snapshot *s = t->snap;
    if (s->focus != svc || s->n_pod_gpu == 0 || y >= LINES - 4)
        return y;
    tui_put(y++, 1, tui_role(t, R_TITLE), "GPU per ready pod (SM busy)");
    const int per_line = 3, width = 20;
    for (size_t i = 0; i < s->n_pod_gpu && y < LINES - 3; i += per_line) {
        move(y, 0);
        for (int k = 0; k < per_line && i + (size_t)k < s->n_pod_gpu; k++) {
            const double g = s->pod_gpu[i + (size_t)k];
            const int fill = (int)lround(g / 100 * width);
            char bar[width + 1];
            for (int c = 0; c < width; c++)
                bar[c] = c < fill ? '|' : ' ';
            bar[width] = '\0';
            char cell[80];
            snprintf(cell, sizeof(cell), " %3zu [%s%4.0f%%]", i + (size_t)k, bar, g);
            tui_put(y, k * 34, tui_role(t, g >= 90 ? R_PANIC : R_STABLE), cell);
        }
        y++;
    }
    return y;
}

void tui_detail(struct tui *t) {
    const struct loop_view *v = tui_selected(t);
    if (!v) {
        t->view = V_OVERVIEW;
        return;
    }
    const size_t i = t->rows[t->sel];
    const struct history *h = &t->hist[i];
    char line[HPA_TEXT + 128], target[40]; /* a condition's message whole; the screen cuts it */
    tui_fmt_value(v->target, target, sizeof(target));
    snprintf(line, sizeof(line), " %s  %s  %s target %s   span %dm", v->service,
             svc_class_label(v->cls), v->metric ? v->metric : "", target, t->span_s / 60);
    tui_put(1, 0, tui_role(t, R_TITLE), line);
    const int rows = LINES >= 40 ? 6 : 3;
    int y = 2;
    const bool kpa = v->cls == SVC_KPA;
    const double at_target = kpa ? v->target * v->ready : v->target;
    y = chart_block(t, y, kpa ? "stable window (revision total)" : "observed", h, H_STABLE,
                    R_STABLE, rows, at_target, kpa ? "target x ready pods" : "target");
    if (kpa)
        y = chart_block(t, y, v->panic_mode ? "panic window  PANIC" : "panic window", h, H_PANIC,
                        R_PANICLINE, rows, v->panic_threshold * at_target, "panic threshold");
    y = chart_block(t, y, "replicas asked", h, H_ACTUAL, R_REPLICAS, rows, v->desired, "desired");
    y = load_strip(t, y, h);
    char gpu[40] = "";
    if (!isnan(v->gpu_util))
        snprintf(gpu, sizeof(gpu), "  GPU %.0f%%", v->gpu_util);
    char rec[16] = "-"; /* none yet (before an HPA's first sync) or none at all (a schedule) */
    if (v->recommended >= 0)
        snprintf(rec, sizeof(rec), "%d", (int)v->recommended);
    snprintf(line, sizeof(line), " replicas: ready %d  actual %d  desired %d  recommended %s%s",
             v->ready, v->actual, v->desired, rec, gpu);
    tui_put(y++, 0, A_NORMAL, line);
    snprintf(line, sizeof(line), " why: %s", v->reason[0] ? v->reason : "(no limit applied)");
    tui_put(y++, 0, tui_role(t, v->override[0] ? R_OVERRIDE : R_NORMAL), line);
    if (v->cluster >= 0) { /* shadow mode: the cluster's own decision, and why they differ */
        if (v->cluster == v->desired)
            snprintf(line, sizeof(line), " cluster: %d, as podpilot decides%s", v->cluster,
                     v->warming ? " (warming up)" : "");
        else
            snprintf(line, sizeof(line), " cluster: %d, podpilot %d: %s", v->cluster, v->desired,
                     v->disagreement);
        tui_put(y++, 0, tui_role(t, v->cluster == v->desired ? R_NORMAL : R_WARN), line);
    }
    if (v->override[0]) {
        snprintf(line, sizeof(line), " override: %s", v->override);
        tui_put(y++, 0, tui_role(t, R_OVERRIDE), line);
    }
    if (v->cls == SVC_KEDA) { /* KEDA's own loop, beside the HPA's conditions below */
        snprintf(line, sizeof(line), " KEDA: %s", v->keda);
        tui_put(y++, 0, A_NORMAL, line);
    }
    y = signal_block(t, y, i, rows);
    y = gpu_bars(t, y, i);
    if (v->hpa) {
        tui_put(y++, 0, tui_role(t, R_TITLE), " Conditions:  Type            Status  Reason");
        for (size_t c = 0; c < v->hpa->n_conditions && y < LINES - 2; c++) {
            const struct hpa_condition *hc = &v->hpa->conditions[c];
            snprintf(line, sizeof(line), "              %-15s %-7s %-20s %s",
                     hpa_cond_type_name(hc->type), hpa_cond_status_name(hc->status), hc->reason,
                     hc->message);
            tui_put(y++, 0, A_NORMAL, line);
        }
    }
    const struct snapshot *s = t->snap;
    int width = 18; /* REASON as wide as the longest shown (KEDA's run to 26) */
    for (size_t e = s->n_events, n = 0; e-- > 0 && n < 8;)
        if (s->events[e].svc == i && ++n) {
            const int len = (int)strlen(s->events[e].reason);
            width = len > width && len <= 40 ? len : width;
        }
    snprintf(line, sizeof(line), " Events:  AGE      %-*s MESSAGE", width, "REASON");
    tui_put(y++, 0, tui_role(t, R_TITLE), line);
    size_t shown = 0;
    char age[32];
    for (size_t e = s->n_events; e-- > 0 && y < LINES - 1;) {
        const struct snap_event *ev = &s->events[e];
        if (ev->svc != i)
            continue;
        tui_age(t, ev->t, age, sizeof(age));
        snprintf(line, sizeof(line), "          %-8s %-*s %s", age, width, ev->reason, ev->message);
        tui_put(y++, 0, tui_role(t, ev->warning ? R_WARN : R_NORMAL), line);
        if (++shown == 8)
            break;
    }
}
