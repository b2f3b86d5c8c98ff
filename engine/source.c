#include "engine/source.h"

void source_destroy(struct source *s) {
    if (s)
        s->ops->destroy(s);
}
