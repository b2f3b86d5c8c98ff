#include "engine/labels.h"

#include "engine/buf.h"

#include <string.h>

#define MAX_SORTED 256 /* labels sorted in place; more are printed in the order given */

/* Go sorts the map's keys before it prints them; a selector has few. */
static void sort_by_key(const char *const *keys, size_t *order, size_t n) {
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(keys[order[j - 1]], keys[order[j]]) > 0; j--) {
            const size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

static void requirement(struct buf *b, const struct label_requirement *r) {
    buf_printf(b, "LabelSelectorRequirement{Key:%s,Operator:%s,Values:[", r->key, r->op);
    for (size_t i = 0; i < r->n_values; i++)
        buf_printf(b, "%s%s", i ? " " : "", r->values[i]);
    buf_printf(b, "],},");
}

size_t label_selector_text(const struct label_selector *s, char *buf, size_t size) {
    struct buf b = {0};
    size_t order[MAX_SORTED];
    const size_t n = s->n_labels < MAX_SORTED ? s->n_labels : MAX_SORTED;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    sort_by_key(s->keys, order, n);
    buf_printf(&b, "&LabelSelector{MatchLabels:map[string]string{");
    for (size_t i = 0; i < s->n_labels; i++) {
        const size_t k = i < n ? order[i] : i;
        buf_printf(&b, "%s: %s,", s->keys[k], s->values[k]);
    }
    buf_printf(&b, "},MatchExpressions:[]LabelSelectorRequirement{");
    for (size_t i = 0; i < s->n_exprs; i++)
        requirement(&b, &s->exprs[i]);
    buf_printf(&b, "},}");
    const size_t len = b.len;
    if (size) {
        const size_t k = len < size ? len : size - 1;
        memcpy(buf, b.p, k);
        buf[k] = '\0';
    }
    buf_free(&b);
    return len;
}
