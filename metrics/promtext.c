#include "metrics/promtext.h"

#include "engine/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[PROMTEXT_N_TYPES] = {
    "untyped", "counter", "gauge", "histogram", "summary", "gaugehistogram", "stateset", "info"};

const char *promtext_type_name(enum promtext_type t) {
    return t < PROMTEXT_N_TYPES ? type_names[t] : "untyped";
}

/* ---- a set of 64-bit hashes (0 is never stored) ---- */

struct hset {
    uint64_t *slots;
    size_t cap, n;
};

/* Adds h; false when it was there. */
static bool hset_add(struct hset *s, uint64_t h) {
    h = h ? h : 1;
    if (2 * (s->n + 1) > s->cap) {
        struct hset bigger = {.cap = s->cap ? 2 * s->cap : 256};
        bigger.slots = xcalloc(bigger.cap, sizeof(*bigger.slots));
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i])
                hset_add(&bigger, s->slots[i]);
        free(s->slots);
        *s = bigger;
    }
    size_t i = (size_t)h & (s->cap - 1);
    for (; s->slots[i]; i = (i + 1) & (s->cap - 1))
        if (s->slots[i] == h)
            return false;
    s->slots[i] = h;
    s->n++;
    return true;
}

static uint64_t mix(uint64_t h) { /* splitmix64's finalizer */
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

/* Eight bytes at a time, each word mixed in with a multiply. */
static uint64_t hash_span(uint64_t h, const char *p, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, p + i, n - i);
    h = (h ^ w ^ ((uint64_t)n << 56)) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
}

/* ---- the parser ---- */

#define MAX_SAMPLE_LABELS 64

struct parser {
    const char *p, *end, *line_start;
    int line;
    struct promtext_result *out;
    promtext_fn fn;
    void *ctx;
    bool stopped, eof_seen;
    /* the family being read */
    struct promtext_span fam;
    enum promtext_type fam_type;
    bool fam_sampled;
    struct promtext_label labels[MAX_SAMPLE_LABELS]; /* the sample being read's */
    struct hset families, series, typed, helped;
};

static void problem(struct parser *ps, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(struct parser *ps, const char *at, const char *fmt, ...) {
    struct promtext_result *r = ps->out;
    if (r->n_problems++ >= PROMTEXT_MAX_PROBLEMS)
        return;
    struct promtext_problem *pr = &r->problems[r->n_problems - 1];
    pr->line = ps->line;
    pr->column = (int)(at - ps->line_start) + 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pr->message, sizeof(pr->message), fmt, ap);
    va_end(ap);
}

/* Which bytes a name may hold: bit 0 a metric name's first, bit 1 its
 * others, bit 2 a label name's first, bit 3 its others. */
static const uint8_t name_class[256] = {
    [':'] = 3,
#define D(c) [c] = 10,
    D('0') D('1') D('2') D('3') D('4') D('5') D('6') D('7') D('8') D('9')
#undef D
#define L(c) [c] = 15, [c - 'a' + 'A'] = 15,
        L('a') L('b') L('c') L('d') L('e') L('f') L('g') L('h') L('i') L('j') L('k') L('l') L('m')
            L('n') L('o') L('p') L('q') L('r') L('s') L('t') L('u') L('v') L('w') L('x') L('y')
                L('z')
#undef L
                    ['_'] = 15,
};

/* A metric name (colons allowed) or, label, a label name (none). */
static struct promtext_span name_at(const char *p, const char *end, bool label) {
    const uint8_t first = label ? 4 : 1, rest = label ? 8 : 2;
    const char *q = p;
    if (q < end && (name_class[(uint8_t)*q] & first))
        for (q++; q < end && (name_class[(uint8_t)*q] & rest); q++)
            ;
    return (struct promtext_span){p, (size_t)(q - p)};
}

static const char *skip_blanks(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static bool span_is(struct promtext_span s, const char *text) {
    return s.n == strlen(text) && memcmp(s.p, text, s.n) == 0;
}

/* A float as Go's strconv.ParseFloat reads one (NaN, ±Inf, exponents,
 * hex); up to 15 plain decimal digits take Clinger's fast path. */
static bool parse_float(const char *p, size_t n, double *out) {
    static const double pow10[] = {1,   1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    size_t i = 0;
    const bool neg = n > 0 && p[0] == '-';
    i += n > 0 && (p[0] == '-' || p[0] == '+');
    uint64_t m = 0;
    int digits = 0, frac = 0;
    for (; i < n && p[i] >= '0' && p[i] <= '9' && digits < 16; i++, digits++)
        m = m * 10 + (uint64_t)(p[i] - '0');
    if (i < n && p[i] == '.')
        for (i++; i < n && p[i] >= '0' && p[i] <= '9' && digits < 16; i++, digits++, frac++)
            m = m * 10 + (uint64_t)(p[i] - '0');
    if (i == n && digits > 0 && digits <= 15) {
        const double v = frac ? (double)m / pow10[frac] : (double)m;
        *out = neg ? -v : v;
        return true;
    }
    char tmp[64];
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    char *e;
    *out = strtod(tmp, &e);
    return e == tmp + n;
}

/* The end of a label value from v (just past its '"'): the closing quote,
 * or NULL after a problem. Escapes: \\, \" and \n only. */
static const char *value_end(struct parser *ps, const char *v, const char *eol,
                             struct promtext_span name) {
    for (const char *p = v; p < eol; p++) { /* values are short: a loop beats memchr */
        if (*p == '"')
            return p;
        if (*p != '\\')
            continue;
        if (p + 1 >= eol || (p[1] != '\\' && p[1] != '"' && p[1] != 'n')) {
            problem(ps, p, "invalid escape in the value of label %.*s (only \\\\, \\\" and \\n)",
                    (int)name.n, name.p);
            return NULL;
        }
        p++;
    }
    problem(ps, v - 1, "the value of label %.*s is not closed", (int)name.n, name.p);
    return NULL;
}

/* The labels of a sample from p (just past '{') to the line's end: checked,
 * counted, hashed into *h; returns the position past '}', or NULL after a
 * problem. */
static const char *parse_labels(struct parser *ps, const char *p, const char *eol,
                                struct promtext_sample *s, uint64_t *h, bool *has_le) {
    struct promtext_label *names = ps->labels;
    s->labels.p = p;
    s->label = names;
    uint64_t sum = 0;
    for (;;) {
        p = skip_blanks(p, eol);
        if (p < eol && *p == '}')
            break;
        const struct promtext_span name = name_at(p, eol, true);
        if (name.n == 0) {
            problem(ps, p, "expected a label name or '}'");
            return NULL;
        }
        p = skip_blanks(p + name.n, eol);
        if (p >= eol || *p != '=') {
            problem(ps, p, "expected '=' after label name %.*s", (int)name.n, name.p);
            return NULL;
        }
        p = skip_blanks(p + 1, eol);
        if (p >= eol || *p != '"') {
            problem(ps, p, "expected '\"' to open the value of label %.*s", (int)name.n, name.p);
            return NULL;
        }
        const char *v = ++p;
        if (!(p = value_end(ps, v, eol, name)))
            return NULL;
        for (size_t k = 0; k < s->n_labels; k++) /* a label twice in one sample */
            if (names[k].name.n == name.n && memcmp(names[k].name.p, name.p, name.n) == 0) {
                problem(ps, name.p, "label %.*s appears twice", (int)name.n, name.p);
                return NULL;
            }
        if (s->n_labels == MAX_SAMPLE_LABELS) {
            problem(ps, name.p, "more than %d labels", MAX_SAMPLE_LABELS);
            return NULL;
        }
        names[s->n_labels++] = (struct promtext_label){
            name, {v, (size_t)(p - v)}, memchr(v, '\\', (size_t)(p - v)) != NULL};
        *has_le |= span_is(name, "le");
        /* name="value as written, one span: the sum does not care about order */
        sum += mix(hash_span(1469598103934665603ull, name.p, (size_t)(p - name.p)));
        p = skip_blanks(p + 1, eol);
        if (p < eol && *p == ',') {
            p++;
            continue;
        }
        if (p < eol && *p == '}')
            break;
        problem(ps, p, "expected ',' or '}' after the value of label %.*s", (int)name.n, name.p);
        return NULL;
    }
    s->labels.n = (size_t)(p - s->labels.p);
    *h ^= mix(sum + 0x9e3779b97f4a7c15ull);
    return p + 1;
}

/* Whether name is family's, as a histogram's _bucket or a summary's _sum is. */
static bool of_family(struct promtext_span name, struct promtext_span fam, enum promtext_type t) {
    if (name.n == fam.n)
        return memcmp(name.p, fam.p, fam.n) == 0;
    if (name.n < fam.n || memcmp(name.p, fam.p, fam.n) != 0)
        return false;
    const struct promtext_span suffix = {name.p + fam.n, name.n - fam.n};
    static const char *const by_type[PROMTEXT_N_TYPES][6] = {
        [PROMTEXT_COUNTER] = {"_total", "_created"},
        [PROMTEXT_HISTOGRAM] = {"_bucket", "_sum", "_count", "_created"},
        [PROMTEXT_SUMMARY] = {"_sum", "_count", "_created"},
        [PROMTEXT_GAUGE_HISTOGRAM] = {"_bucket", "_gsum", "_gcount"},
        [PROMTEXT_INFO] = {"_info"},
    };
    for (size_t i = 0; i < 6 && by_type[t][i]; i++)
        if (span_is(suffix, by_type[t][i]))
            return true;
    return false;
}

static uint64_t name_hash(struct promtext_span s) {
    return mix(hash_span(1469598103934665603ull, s.p, s.n));
}

/* A new family begins: name (from a TYPE or HELP line, or an untyped sample). */
static void begin_family(struct parser *ps, struct promtext_span name, const char *at) {
    if (ps->fam.p && ps->fam.n == name.n && memcmp(ps->fam.p, name.p, name.n) == 0)
        return;
    ps->fam = name;
    ps->fam_type = PROMTEXT_UNTYPED;
    ps->fam_sampled = false;
    if (!hset_add(&ps->families, name_hash(name))) {
        problem(ps, at, "the samples of %.*s are apart from its earlier ones", (int)name.n, name.p);
        return;
    }
    ps->out->families++;
    ps->out->by_type[PROMTEXT_UNTYPED]++;
}

static void comment(struct parser *ps, const char *p, const char *eol) {
    p = skip_blanks(p + 1, eol);
    const struct promtext_span word = name_at(p, eol, false);
    const bool help = span_is(word, "HELP"), type = span_is(word, "TYPE");
    if (span_is(word, "EOF") && skip_blanks(p + 3, eol) == eol) {
        ps->eof_seen = true;
        ps->out->openmetrics = true;
        return;
    }
    if (!help && !type)
        return; /* a comment */
    p = skip_blanks(p + word.n, eol);
    const struct promtext_span name = name_at(p, eol, false);
    if (name.n == 0 || (p + name.n < eol && p[name.n] != ' ' && p[name.n] != '\t')) {
        problem(ps, p, "%s: expected a metric name", help ? "HELP" : "TYPE");
        return;
    }
    const char *rest = skip_blanks(p + name.n, eol);
    const uint64_t h = name_hash(name);
    if (help) {
        if (!hset_add(&ps->helped, h)) {
            problem(ps, p, "a second HELP line for %.*s", (int)name.n, name.p);
            return;
        }
        begin_family(ps, name, p);
        return;
    }
    const struct promtext_span t = {rest, (size_t)(eol - rest)};
    size_t k = 0;
    while (k < PROMTEXT_N_TYPES && !span_is(t, type_names[k]))
        k++;
    if (k == PROMTEXT_N_TYPES && span_is(t, "unknown"))
        k = PROMTEXT_UNTYPED; /* OpenMetrics' name for it */
    if (k == PROMTEXT_N_TYPES) {
        problem(ps, rest, "TYPE %.*s: unknown type \"%.*s\"", (int)name.n, name.p, (int)t.n, t.p);
        return;
    }
    if (!hset_add(&ps->typed, h)) {
        problem(ps, p, "a second TYPE line for %.*s", (int)name.n, name.p);
        return;
    }
    begin_family(ps, name, p);
    if (ps->fam_sampled) {
        problem(ps, p, "TYPE %.*s after its samples", (int)name.n, name.p);
        return;
    }
    ps->out->by_type[ps->fam_type]--;
    ps->fam_type = (enum promtext_type)k;
    ps->out->by_type[k]++;
}

/* A timestamp: integer milliseconds (text 0.0.4), or OpenMetrics' seconds. */
static bool timestamp(const char *p, size_t n, bool seconds, int64_t *ms) {
    double v;
    if (!parse_float(p, n, &v) || !isfinite(v))
        return false;
    if (seconds)
        v *= 1000;
    else if (memchr(p, '.', n) || memchr(p, 'e', n) || memchr(p, 'E', n))
        return false;
    if (v > 9.2e18 || v < -9.2e18)
        return false;
    *ms = (int64_t)v;
    return true;
}

static void sample(struct parser *ps, const char *p, const char *eol) {
    struct promtext_sample s = {.line = ps->line};
    s.name = name_at(p, eol, false);
    if (s.name.n == 0) {
        problem(ps, p, "expected a metric name");
        return;
    }
    if (!ps->fam.p || !of_family(s.name, ps->fam, ps->fam_type))
        begin_family(ps, s.name, p);
    s.family = ps->fam;
    s.type = ps->fam_type;
    uint64_t h = name_hash(s.name);
    bool has_le = false;
    const char *q = p + s.name.n;
    if (q < eol && *q == '{') {
        q = parse_labels(ps, q + 1, eol, &s, &h, &has_le);
        if (!q)
            return;
    }
    if (q >= eol || (*q != ' ' && *q != '\t')) {
        problem(ps, q, q >= eol ? "expected a value" : "expected a space before the value");
        return;
    }
    q = skip_blanks(q, eol);
    if (q >= eol) {
        problem(ps, q, "expected a value");
        return;
    }
    const char *v = q;
    while (q < eol && *q != ' ' && *q != '\t')
        q++;
    if (!parse_float(v, (size_t)(q - v), &s.value)) {
        problem(ps, v, "\"%.*s\" is not a number", (int)(q - v > 40 ? 40 : q - v), v);
        return;
    }
    q = skip_blanks(q, eol);
    if (q < eol && *q != '#') {
        const char *t = q;
        while (q < eol && *q != ' ' && *q != '\t')
            q++;
        if (!timestamp(t, (size_t)(q - t), ps->out->openmetrics, &s.timestamp_ms)) {
            problem(ps, t, "\"%.*s\" is not a timestamp", (int)(q - t > 40 ? 40 : q - t), t);
            return;
        }
        s.has_timestamp = true;
        q = skip_blanks(q, eol);
    }
    if (q < eol && *q != '#') { /* "# {...} v": an exemplar, skipped */
        problem(ps, q, "unexpected text after the sample");
        return;
    }
    const bool bucket = s.name.n > 7 && memcmp(s.name.p + s.name.n - 7, "_bucket", 7) == 0;
    if ((s.type == PROMTEXT_HISTOGRAM || s.type == PROMTEXT_GAUGE_HISTOGRAM) && bucket && !has_le) {
        problem(ps, p, "histogram bucket %.*s without an le label", (int)s.name.n, s.name.p);
        return;
    }
    if (!hset_add(&ps->series, h)) {
        problem(ps, p, "a second sample of %.*s{%.*s}", (int)s.name.n, s.name.p, (int)s.labels.n,
                s.labels.p);
        return;
    }
    ps->fam_sampled = true;
    ps->out->samples++;
    if (ps->fn && !ps->fn(ps->ctx, &s))
        ps->stopped = true;
}

void promtext_parse(const char *buf, size_t len, promtext_fn fn, void *ctx,
                    struct promtext_result *out) {
    *out = (struct promtext_result){0};
    struct parser ps = {.p = buf, .end = buf + len, .out = out, .fn = fn, .ctx = ctx};
    /* OpenMetrics ends with "# EOF": its timestamps are seconds */
    const char *tail = buf + len;
    while (tail > buf && (tail[-1] == '\n' || tail[-1] == '\r'))
        tail--;
    out->openmetrics = tail - buf >= 5 && memcmp(tail - 5, "# EOF", 5) == 0;
    while (ps.p < ps.end && !ps.stopped) {
        ps.line++;
        ps.line_start = ps.p;
        const char *eol = memchr(ps.p, '\n', (size_t)(ps.end - ps.p));
        const char *next = eol ? eol + 1 : ps.end;
        eol = eol ? eol : ps.end;
        if (eol > ps.p && eol[-1] == '\r')
            eol--;
        if (next == ps.end && eol == ps.end && eol > ps.p)
            problem(&ps, eol, "the last line does not end with a newline");
        out->lines++;
        const size_t line_len = eol > ps.p ? (size_t)(eol - ps.p) : 0;
        const char *p = skip_blanks(ps.p, eol), *nul = memchr(ps.p, '\0', line_len);
        if (ps.eof_seen && p < eol)
            problem(&ps, p, "text after # EOF");
        else if (nul)
            problem(&ps, nul, "a NUL byte: not text");
        else if (p < eol && *p == '#')
            comment(&ps, p, eol);
        else if (p < eol)
            sample(&ps, p, eol);
        ps.p = next;
    }
    free(ps.families.slots);
    free(ps.series.slots);
    free(ps.typed.slots);
    free(ps.helped.slots);
}

bool promtext_label(const struct promtext_sample *s, size_t *at, struct promtext_label *out) {
    if (*at >= s->n_labels)
        return false;
    *out = s->label[(*at)++];
    return true;
}

size_t promtext_unescape(struct promtext_span v, char *out, size_t size) {
    size_t n = 0;
    for (size_t i = 0; i < v.n; i++) {
        char c = v.p[i];
        if (c == '\\' && i + 1 < v.n) {
            c = v.p[++i];
            c = c == 'n' ? '\n' : c;
        }
        if (n + 1 < size)
            out[n] = c;
        n++;
    }
    if (size)
        out[n < size ? n : size - 1] = '\0';
    return n;
}
