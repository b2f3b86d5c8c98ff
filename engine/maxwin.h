/* Sliding maximum over the last `size` slots, as Knative's aggregation/max
 * package keeps it for scale-down-delay: O(1) amortized record and read. */
#ifndef PODPILOT_MAXWIN_H
#define PODPILOT_MAXWIN_H

#include "engine/common.h"

struct maxwin_entry {
    int64_t index;
    int32_t value;
};

/* Caller owns the struct and `size` entries of storage. */
struct maxwin {
    struct maxwin_entry *ring;
    uint32_t size;
    uint32_t first;
    uint32_t count;
};

void maxwin_init(struct maxwin *m, struct maxwin_entry *storage, uint32_t size);
/* Records value at slot index (indices never go back in time). */
void maxwin_record(struct maxwin *m, int64_t index, int32_t value);
/* Largest value recorded at an index > last index - size; 0 when empty. */
int32_t maxwin_current(const struct maxwin *m);

#endif
