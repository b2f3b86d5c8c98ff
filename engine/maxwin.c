#include "engine/maxwin.h"

void maxwin_init(struct maxwin *m, struct maxwin_entry *storage, uint32_t size) {
    m->ring = storage;
    m->size = size ? size : 1;
    m->first = 0;
    m->count = 0;
}

static uint32_t at(const struct maxwin *m, uint32_t i) { return (m->first + i) % m->size; }

/* A monotonically decreasing deque: an older value no larger than a newer
 * one can never be the maximum again, so it is dropped on arrival. */
void maxwin_record(struct maxwin *m, int64_t index, int32_t value) {
    while (m->count > 0 && m->ring[at(m, m->count - 1)].value <= value)
        m->count--;
    while (m->count > 0 && m->ring[m->first].index <= index - (int64_t)m->size) {
        m->first = (m->first + 1) % m->size;
        m->count--;
    }
    /* A smaller value in a slot that already holds a larger one expires with
     * it and can never be the maximum: keeping indices distinct bounds the
     * deque to `size` entries. */
    if (m->count > 0 && m->ring[at(m, m->count - 1)].index == index)
        return;
    m->ring[at(m, m->count)] = (struct maxwin_entry){index, value};
    m->count++;
}

int32_t maxwin_current(const struct maxwin *m) { return m->count ? m->ring[m->first].value : 0; }
