#include "engine/hpa_describe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a growable text buffer for building the raw text ---- */

struct text {
    char *p;
    size_t n, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...) {
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(t->p + t->n, t->cap - t->n, fmt, ap);
        va_end(ap);
        if (k < 0)
            return;
        if ((size_t)k < t->cap - t->n) {
            t->n += (size_t)k;
            return;
        }
        t->cap = 2 * t->cap + (size_t)k + 1;
        t->p = xrealloc(t->p, t->cap);
    }
}

/* ---- tabwriter ---- */

struct cell {
    const char *s;
    size_t len, width; /* bytes, runes */
};

struct line {
    struct cell *cells;
    size_t n; /* the last cell is the tail: not tab-terminated */
};

static size_t runes(const char *s, size_t n) {
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

struct out {
    char *p;
    size_t n, size;
};

static void put(struct out *o, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++, o->n++) {
        if (o->n + 1 < o->size)
            o->p[o->n] = s[i];
    }
}

static void pad(struct out *o, size_t k) {
    for (size_t i = 0; i < k; i++, o->n++) {
        if (o->n + 1 < o->size)
            o->p[o->n] = ' ';
    }
}

static void write_lines(struct out *o, const struct line *lines, size_t from, size_t to,
                        const size_t *widths, size_t depth, size_t total) {
    for (size_t i = from; i < to; i++) {
        const struct line *l = &lines[i];
        for (size_t j = 0; j < l->n; j++) {
            put(o, l->cells[j].s, l->cells[j].len);
            if (j < depth && j + 1 < l->n)
                pad(o, widths[j] - l->cells[j].width);
        }
        if (i + 1 < total)
            put(o, "\n", 1);
    }
}

/* Go's Writer.format: recursive over columns. */
static void format(struct out *o, const struct line *lines, size_t line0, size_t line1,
                   size_t *widths, size_t depth, size_t total) {
    const size_t column = depth;
    for (size_t this = line0; this < line1; this ++) {
        if (column + 1 >= lines[this].n)
            continue;
        write_lines(o, lines, line0, this, widths, depth, total);
        line0 = this;
        size_t width = 0;
        for (; this < line1; this ++) {
            if (column + 1 >= lines[this].n)
                break;
            size_t w = lines[this].cells[column].width + 2;
            if (w > width)
                width = w;
        }
        widths[depth] = width;
        format(o, lines, line0, this, widths, depth + 1, total);
        line0 = this;
    }
    write_lines(o, lines, line0, line1, widths, depth, total);
}

size_t hpa_tabwrite(const char *in, size_t len, char *out, size_t size) {
    size_t n_lines = 1, n_cells = 1;
    for (size_t i = 0; i < len; i++) {
        n_lines += in[i] == '\n';
        n_cells += in[i] == '\n' || in[i] == '\t';
    }
    struct line *lines = xcalloc(n_lines, sizeof(*lines));
    struct cell *cells = xcalloc(n_cells, sizeof(*cells));
    size_t li = 0, ci = 0, start = 0;
    lines[0].cells = cells;
    size_t max_cells = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && in[i] != '\t' && in[i] != '\n')
            continue;
        cells[ci] = (struct cell){in + start, i - start, runes(in + start, i - start)};
        ci++;
        lines[li].n++;
        start = i + 1;
        if (i == len || in[i] == '\n') {
            if (lines[li].n > max_cells)
                max_cells = lines[li].n;
            if (i < len) {
                li++;
                lines[li].cells = cells + ci;
            }
        }
    }
    size_t *widths = xcalloc(max_cells + 1, sizeof(*widths));
    struct out o = {out, 0, size};
    format(&o, lines, 0, li + 1, widths, 0, li + 1);
    if (size)
        out[o.n < size ? o.n : size - 1] = '\0';
    free(widths);
    free(cells);
    free(lines);
    return o.n;
}

/* ---- describe ---- */

void hpa_human_duration(pp_time d, char *buf, size_t size) {
    long long sec = (long long)(d / PP_NS_PER_SEC);
    if (sec < -1) {
        snprintf(buf, size, "<invalid>");
    } else if (sec < 0) {
        snprintf(buf, size, "0s");
    } else if (sec < 120) {
        snprintf(buf, size, "%llds", sec);
    } else if (sec / 60 < 10) {
        if (sec % 60 == 0)
            snprintf(buf, size, "%lldm", sec / 60);
        else
            snprintf(buf, size, "%lldm%llds", sec / 60, sec % 60);
    } else if (sec / 60 < 180) {
        snprintf(buf, size, "%lldm", sec / 60);
    } else {
        long long hours = sec / 3600;
        if (hours < 8) {
            if ((sec / 60) % 60 == 0)
                snprintf(buf, size, "%lldh", hours);
            else
                snprintf(buf, size, "%lldh%lldm", hours, (sec / 60) % 60);
        } else if (hours < 48) {
            snprintf(buf, size, "%lldh", hours);
        } else if (hours < 24 * 8) {
            if (hours % 24 == 0)
                snprintf(buf, size, "%lldd", hours / 24);
            else
                snprintf(buf, size, "%lldd%lldh", hours / 24, hours % 24);
        } else if (hours < 24 * 365 * 2) {
            snprintf(buf, size, "%lldd", hours / 24);
        } else if (hours < 24 * 365 * 8) {
            long long dy = (hours / 24) % 365;
            if (dy == 0)
                snprintf(buf, size, "%lldy", hours / 24 / 365);
            else
                snprintf(buf, size, "%lldy%lldd", hours / 24 / 365, dy);
        } else {
            snprintf(buf, size, "%lldy", hours / 24 / 365);
        }
    }
}

static void multiline(struct text *t, const char *title, const char *const *items, size_t n) {
    add(t, "%s:\t", title);
    if (n == 0) {
        add(t, "<none>\n");
        return;
    }
    for (size_t i = 0; i < n; i++)
        add(t, "%s%s\n", i ? "\t" : "", items[i]);
}

static void target_text(const struct hpa_meta *meta, size_t i, int64_t milli, char *buf,
                        size_t size) {
    if (meta->target_text && meta->target_text[i])
        snprintf(buf, size, "%s", meta->target_text[i]);
    else
        hpa_quantity(milli, buf, size);
}

static void metric_line(struct text *t, const struct hpa_metric_spec *m,
                        const struct hpa_metric_status *st, const struct hpa_meta *meta, size_t i) {
    char cur[64] = "<unknown>", tgt[64];
    target_text(meta, i, m->milli, tgt, sizeof(tgt));
    const bool valid = st && st->valid;
    switch (m->type) {
    case HPA_EXTERNAL:
        if (valid)
            hpa_quantity(st->current_milli, cur, sizeof(cur));
        add(t, "  \"%s\" (target %s):\t%s / %s\n", m->name,
            m->target == HPA_TARGET_AVERAGE_VALUE ? "average value" : "value", cur, tgt);
        return;
    case HPA_PODS:
        if (valid)
            hpa_quantity(st->current_milli, cur, sizeof(cur));
        add(t, "  \"%s\" on pods:\t%s / %s\n", m->name, cur, tgt);
        return;
    case HPA_OBJECT:
        if (valid)
            hpa_quantity(st->current_milli, cur, sizeof(cur));
        add(t, "  \"%s\" on %s/%s (target %s):\t%s / %s\n", m->name, m->object_kind, m->object_name,
            m->target == HPA_TARGET_AVERAGE_VALUE ? "average value" : "value", cur, tgt);
        return;
    case HPA_RESOURCE:
    case HPA_CONTAINER_RESOURCE:
        if (m->type == HPA_RESOURCE)
            add(t, "  resource %s on pods", m->name);
        else
            add(t, "  resource %s of container \"%s\" on pods", m->name, m->container);
        if (m->target == HPA_TARGET_AVERAGE_VALUE) {
            if (valid)
                hpa_quantity(st->current_milli, cur, sizeof(cur));
            add(t, ":\t%s / %s\n", cur, tgt);
        } else {
            if (valid) {
                char raw[48];
                hpa_quantity(st->current_milli, raw, sizeof(raw));
                snprintf(cur, sizeof(cur), "%d%% (%s)", (int)st->utilization, raw);
            }
            add(t, "  (as a percentage of request):\t%s / %d%%\n", cur, (int)m->utilization);
        }
        return;
    }
}

static const char *const select_names[] = {"Max", "Min", "Disabled"};

static void behavior(struct text *t, const char *direction, const struct hpa_rules *r) {
    add(t, "  %s:\n", direction);
    if (r->window_set)
        add(t, "    Stabilization Window: %d seconds\n", (int)r->window_s);
    if (r->n_policies == 0)
        return;
    add(t, "    Select Policy: %s\n", select_names[r->select]);
    add(t, "    Policies:\n");
    for (size_t i = 0; i < r->n_policies; i++) {
        const struct hpa_policy *p = &r->policies[i];
        add(t, "      - Type: %s\tValue: %d\tPeriod: %d seconds\n",
            p->type == HPA_POLICY_PODS ? "Pods" : "Percent", (int)p->value, (int)p->period_s);
    }
}

static int by_last(const void *a, const void *b) {
    const struct hpa_event *x = *(const struct hpa_event *const *)a;
    const struct hpa_event *y = *(const struct hpa_event *const *)b;
    return (x->last > y->last) - (x->last < y->last);
}

static void events(struct text *t, const struct hpa *h, pp_time now) {
    const struct hpa_event *ev;
    size_t n = hpa_events(h, &ev);
    if (n == 0) {
        add(t, "Events:\t<none>\n");
        return;
    }
    const struct hpa_event *order[HPA_MAX_EVENTS];
    for (size_t i = 0; i < n; i++)
        order[i] = &ev[i];
    qsort(order, n, sizeof(order[0]), by_last); /* SortableEvents: by last timestamp */
    add(t, "\f");                               /* kubectl flushes the tabwriter here */
    add(t, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    add(t, "  ----\t------\t----\t----\t-------\n");
    for (size_t i = 0; i < n; i++) {
        const struct hpa_event *e = order[i];
        char first[32], last[32], age[96];
        hpa_human_duration(now - e->first, first, sizeof(first));
        if (e->count > 1) {
            hpa_human_duration(now - e->last, last, sizeof(last));
            snprintf(age, sizeof(age), "%s (x%d over %s)", last, (int)e->count, first);
        } else {
            snprintf(age, sizeof(age), "%s", first);
        }
        add(t, "  %s\t%s\t%s\thorizontal-pod-autoscaler\t%s\n", e->warning ? "Warning" : "Normal",
            e->reason, age, e->message);
    }
}

static void body(struct text *t, const struct hpa *h, const struct hpa_meta *meta) {
    const struct hpa_spec *spec = hpa_spec(h);
    const struct hpa_status *st = hpa_status(h);
    add(t, "Name:\t%s\n", meta->name);
    add(t, "Namespace:\t%s\n", meta->namespace);
    multiline(t, "Labels", meta->labels, meta->n_labels);
    multiline(t, "Annotations", meta->annotations, meta->n_annotations);
    add(t, "CreationTimestamp:\t%s\n", meta->creation);
    add(t, "Reference:\t%s/%s\n", meta->target_kind, meta->target_name);
    add(t, "Metrics:\t( current / target )\n");
    for (size_t i = 0; i < spec->n_metrics; i++)
        metric_line(t, &spec->metrics[i], i < st->n_metrics ? &st->metrics[i] : NULL, meta, i);
    add(t, "Min replicas:\t%d\n", (int)spec->min_replicas);
    add(t, "Max replicas:\t%d\n", (int)spec->max_replicas);
    if (spec->behavior_set) {
        add(t, "Behavior:\n");
        behavior(t, "Scale Up", &spec->up);
        behavior(t, "Scale Down", &spec->down);
    }
    add(t, "%s pods:\t%d current / %d desired\n", meta->target_kind, (int)st->current_replicas,
        (int)st->desired_replicas);
    if (st->n_conditions > 0) {
        add(t, "Conditions:\n");
        add(t, "  Type\tStatus\tReason\tMessage\n");
        add(t, "  ----\t------\t------\t-------\n");
        for (size_t i = 0; i < st->n_conditions; i++) {
            const struct hpa_condition *c = &st->conditions[i];
            add(t, "  %s\t%s\t%s\t%s\n", hpa_cond_type_name(c->type),
                hpa_cond_status_name(c->status), c->reason, c->message);
        }
    }
}

size_t hpa_describe(const struct hpa *h, const struct hpa_meta *meta, pp_time now, char *buf,
                    size_t size) {
    struct text t = {xmalloc(4096), 0, 4096};
    t.p[0] = '\0';
    body(&t, h, meta);
    events(&t, h, now);
    /* Format each flushed segment on its own, as the tabwriter does. */
    size_t total = 0;
    const char *seg = t.p, *end = t.p + t.n;
    while (seg < end) {
        const char *ff = memchr(seg, '\f', (size_t)(end - seg));
        size_t len = (size_t)((ff ? ff : end) - seg);
        size_t room = total < size ? size - total : 0;
        total += hpa_tabwrite(seg, len, room ? buf + total : NULL, room);
        seg = ff ? ff + 1 : end;
    }
    if (size)
        buf[total < size ? total : size - 1] = '\0';
    free(t.p);
    return total;
}
