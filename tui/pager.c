/* Text views (help, describe, the event log, the hey report) page as less
 * and k9s do: the view says how many lines it has, the pager says which
 * of them fit from the scroll position and, when they do not all fit,
 * keeps the last row for where the window is. Keys: pager_key. */
#include "tui/tui_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

size_t tui_page(struct tui *t, int y0, size_t n_lines, size_t *first) {
    size_t rows = LINES - 1 > y0 ? (size_t)(LINES - 1 - y0) : 0;
    if (n_lines > rows && rows > 1)
        rows--; /* the position line */
    const size_t max_top = n_lines > rows ? n_lines - rows : 0;
    if (t->scroll > max_top)
        t->scroll = max_top;
    t->page_rows = rows;
    *first = t->scroll;
    const size_t shown = n_lines - t->scroll < rows ? n_lines - t->scroll : rows;
    if (shown < n_lines) {
        char pos[160];
        snprintf(pos, sizeof(pos), " lines %zu-%zu of %zu%s  (j k  PgDn PgUp  ^D ^U  g G)",
                 t->scroll + 1, t->scroll + shown, n_lines, t->scroll == max_top ? " (end)" : "");
        tui_put(LINES - 2, 0, tui_role(t, R_DIM), pos);
    }
    return shown;
}

void tui_page_text(struct tui *t, int y0, int x, const char *text) {
    size_t n = 0;
    for (const char *p = text; *p; n++) {
        const size_t len = strcspn(p, "\n");
        p += len + (p[len] == '\n');
    }
    size_t first;
    const size_t shown = tui_page(t, y0, n, &first);
    const char *p = text;
    for (size_t i = 0; i < first + shown && *p; i++) {
        const size_t len = strcspn(p, "\n");
        if (i >= first)
            tui_put_cols(y0 + (int)(i - first), x, A_NORMAL, p, len, COLS - x);
        p += len + (p[len] == '\n');
    }
}

bool tui_pager_key(struct tui *t, int ch) {
    const size_t page = t->page_rows ? t->page_rows : 1;
    const size_t half = page > 1 ? page / 2 : 1;
    size_t down = 0, up = 0;
    switch (ch) {
    case 'j':
    case KEY_DOWN:
        down = 1;
        break;
    case 'k':
    case KEY_UP:
        up = 1;
        break;
    case KEY_NPAGE:
    case 6: /* ^F */
    case ' ':
        down = page;
        break;
    case KEY_PPAGE:
    case 2: /* ^B */
        up = page;
        break;
    case 4: /* ^D */
        down = half;
        break;
    case 21: /* ^U */
        up = half;
        break;
    case 'g':
    case KEY_HOME:
        t->scroll = 0;
        return true;
    case 'G':
    case KEY_END:
        t->scroll = SIZE_MAX / 2; /* clamped by the next draw */
        return true;
    default:
        return false;
    }
    t->scroll = up > t->scroll ? 0 : t->scroll - up;
    t->scroll += down;
    return true;
}
