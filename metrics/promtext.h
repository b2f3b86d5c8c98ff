/* The Prometheus text exposition format (0.0.4) and OpenMetrics text, as
 * exporters write them, parsed in place: samples point into the buffer,
 * nothing is allocated per sample, and each problem names its line and
 * column. What promtool check metrics and Prometheus's scrape accept. */
#ifndef PODPILOT_PROMTEXT_H
#define PODPILOT_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum promtext_type {
    PROMTEXT_UNTYPED, /* no TYPE line (OpenMetrics: unknown) */
    PROMTEXT_COUNTER,
    PROMTEXT_GAUGE,
    PROMTEXT_HISTOGRAM,
    PROMTEXT_SUMMARY,
    PROMTEXT_GAUGE_HISTOGRAM, /* OpenMetrics */
    PROMTEXT_STATESET,
    PROMTEXT_INFO,
    PROMTEXT_N_TYPES,
};

const char *promtext_type_name(enum promtext_type t); /* "counter", ... */

/* A span of the buffer. */
struct promtext_span {
    const char *p;
    size_t n;
};

struct promtext_label {
    struct promtext_span name, value; /* value as written: escapes not undone */
    bool escaped;                     /* value holds a backslash escape */
};

struct promtext_sample {
    struct promtext_span name;   /* the series' name: "vllm:num_requests_running", "x_bucket" */
    struct promtext_span family; /* the TYPE'd family it belongs to ("x"), or name */
    enum promtext_type type;     /* its family's */
    struct promtext_span labels; /* between the braces, as written */
    const struct promtext_label *label; /* n_labels of them, valid during the callback */
    size_t n_labels;
    double value; /* NaN, ±Inf as written */
    bool has_timestamp;
    int64_t timestamp_ms; /* OpenMetrics' seconds, in milliseconds */
    int line;
};

/* The next label of a sample (validated by the parse): true and *out,
 * moving *at (start at 0); false after the last. */
bool promtext_label(const struct promtext_sample *s, size_t *at, struct promtext_label *out);

/* A label value with its escapes undone (\\, \", \n) into out (NUL-ended,
 * cut at size-1); returns the unescaped length. */
size_t promtext_unescape(struct promtext_span v, char *out, size_t size);

struct promtext_problem {
    int line, column; /* 1-based */
    char message[160];
};

#define PROMTEXT_MAX_PROBLEMS 64

struct promtext_result {
    size_t families, samples, lines;
    size_t by_type[PROMTEXT_N_TYPES]; /* families of each type */
    bool openmetrics;                 /* an "# EOF" ended it */
    size_t n_problems;                /* all of them; the first PROMTEXT_MAX_PROBLEMS kept */
    struct promtext_problem problems[PROMTEXT_MAX_PROBLEMS];
};

/* Called for each valid sample; return false to stop. */
typedef bool (*promtext_fn)(void *ctx, const struct promtext_sample *s);

/* Parses buf[0..len). A line with a problem is reported and skipped; the
 * rest is read. Duplicate series, HELP or TYPE lines, a TYPE after its
 * family's samples, and a family's samples apart from each other are
 * problems too (as promtool check metrics says). The scratch for duplicate
 * series grows with the series and is freed before return. */
void promtext_parse(const char *buf, size_t len, promtext_fn fn, void *ctx,
                    struct promtext_result *out);

#endif
