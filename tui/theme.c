#include "tui/theme.h"

#include "k8s/yamldoc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PODPILOT_THEMES_DIR /* the source tree's, for a build that runs in place */
#define PODPILOT_THEMES_DIR "themes"
#endif
#ifndef PODPILOT_THEMES_INSTALLED /* where make install puts them */
#define PODPILOT_THEMES_INSTALLED "/usr/local/share/podpilot/themes"
#endif

static const char *const role_names[TR_COUNT] = {
    "header", "title", "select", "panic",     "override",
    "warn",   "dim",   "stable", "panicLine", "replicas",
};
static const char *const color_names[8] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};
/* xterm's basic eight, for matching #rrggbb on 8-colour terminals. */
static const uint32_t basic_rgb[8] = {0x000000, 0xcd0000, 0x00cd00, 0xcdcd00,
                                      0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5};

const char *theme_role_name(enum theme_role r) { return role_names[r]; }

static struct theme_color named(int n) {
    return (struct theme_color){.kind = TC_NAMED, .named = n};
}

void theme_default(struct theme *t) {
    memset(t, 0, sizeof(*t));
    snprintf(t->name, sizeof(t->name), "default");
    t->roles[TR_HEADER] = (struct theme_style){.fg = named(0), .bg = named(6)};
    t->roles[TR_TITLE] = (struct theme_style){.fg = named(6), .bold = true};
    t->roles[TR_SELECT] = (struct theme_style){.fg = named(0), .bg = named(7)};
    t->roles[TR_PANIC] = (struct theme_style){.fg = named(1), .bold = true};
    t->roles[TR_OVERRIDE] = (struct theme_style){.fg = named(3)};
    t->roles[TR_WARN] = (struct theme_style){.fg = named(1), .bold = true};
    t->roles[TR_DIM] = (struct theme_style){.fg = {.kind = TC_RGB, .rgb = 0xa0a0a0}};
    t->roles[TR_STABLE] = (struct theme_style){.fg = named(2)};
    t->roles[TR_PANICLINE] = (struct theme_style){.fg = named(5)};
    t->roles[TR_REPLICAS] = (struct theme_style){.fg = named(6)};
}

/* ---- reading ---- */

struct reader {
    struct ydoc yd;
    struct pp_error *err;
};

static enum pp_status parse_color(struct reader *r, const yaml_node_t *n, const char *field,
                                  struct theme_color *out) {
    const char *s = ydoc_scalar(n);
    if (!s)
        return ydoc_fail(r->err, &r->yd, n, field, "expected a colour name or \"#rrggbb\"");
    if (strcmp(s, "default") == 0) {
        *out = (struct theme_color){.kind = TC_DEFAULT};
        return PP_OK;
    }
    for (int i = 0; i < 8; i++)
        if (strcmp(s, color_names[i]) == 0) {
            *out = named(i);
            return PP_OK;
        }
    char *end;
    if (s[0] == '#' && strlen(s) == 7) {
        const unsigned long v = strtoul(s + 1, &end, 16);
        if (*end == '\0') {
            *out = (struct theme_color){.kind = TC_RGB, .rgb = (uint32_t)v};
            return PP_OK;
        }
    }
    return ydoc_fail(r->err, &r->yd, n, field,
                     "expected black, red, green, yellow, blue, magenta, cyan, white, default "
                     "or \"#rrggbb\", got \"%s\"",
                     s);
}

static enum pp_status parse_style(struct reader *r, const yaml_node_t *n, const char *role,
                                  struct theme_style *st) {
    if (n->type != YAML_MAPPING_NODE)
        return ydoc_fail(r->err, &r->yd, n, role,
                         "expected a mapping of fgColor, bgColor, bold, underline, reverse");
    *st = (struct theme_style){0};
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = ydoc_child(&r->yd, p->key);
        const yaml_node_t *v = ydoc_child(&r->yd, p->value);
        const char *key = ydoc_scalar(k);
        char field[128];
        snprintf(field, sizeof(field), "roles.%s.%s", role, key ? key : "?");
        enum pp_status s;
        if (key && strcmp(key, "fgColor") == 0)
            s = parse_color(r, v, field, &st->fg);
        else if (key && strcmp(key, "bgColor") == 0)
            s = parse_color(r, v, field, &st->bg);
        else if (key && strcmp(key, "bold") == 0)
            s = ydoc_bool(r->err, &r->yd, v, field, &st->bold);
        else if (key && strcmp(key, "underline") == 0)
            s = ydoc_bool(r->err, &r->yd, v, field, &st->underline);
        else if (key && strcmp(key, "reverse") == 0)
            s = ydoc_bool(r->err, &r->yd, v, field, &st->reverse);
        else
            s = ydoc_fail(r->err, &r->yd, k, field,
                          "unknown key (fgColor, bgColor, bold, underline, reverse)");
        if (s != PP_OK)
            return s;
    }
    return PP_OK;
}

static enum pp_status parse_theme(struct reader *r, struct theme *t) {
    const yaml_node_t *root = r->yd.root;
    if (!root || root->type != YAML_MAPPING_NODE)
        return ydoc_fail(r->err, &r->yd, root, "", "a theme is a mapping with name and roles");
    theme_default(t);
    bool any_role = false;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = ydoc_child(&r->yd, p->key);
        const yaml_node_t *v = ydoc_child(&r->yd, p->value);
        const char *key = ydoc_scalar(k);
        if (key && strcmp(key, "name") == 0 && ydoc_scalar(v)) {
            snprintf(t->name, sizeof(t->name), "%s", ydoc_scalar(v));
        } else if (key && strcmp(key, "monochrome") == 0) {
            if (ydoc_bool(r->err, &r->yd, v, "monochrome", &t->monochrome) != PP_OK)
                return PP_ERR_PARSE;
        } else if (key && strcmp(key, "roles") == 0 && v->type == YAML_MAPPING_NODE) {
            any_role = true;
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top;
                 q++) {
                const yaml_node_t *rk = ydoc_child(&r->yd, q->key);
                const char *role = ydoc_scalar(rk);
                int idx = -1;
                for (int i = 0; role && i < TR_COUNT; i++)
                    if (strcmp(role, role_names[i]) == 0)
                        idx = i;
                if (idx < 0)
                    return ydoc_fail(r->err, &r->yd, rk, "roles",
                                     "unknown role \"%s\" (header, title, select, panic, "
                                     "override, warn, dim, stable, panicLine, replicas)",
                                     role ? role : "");
                if (parse_style(r, ydoc_child(&r->yd, q->value), role, &t->roles[idx]) != PP_OK)
                    return PP_ERR_PARSE;
            }
        } else {
            return ydoc_fail(r->err, &r->yd, k, key ? key : "",
                             "unknown key (name, monochrome, roles)");
        }
    }
    if (!any_role)
        return ydoc_fail(r->err, &r->yd, root, "roles", "a theme needs roles");
    return PP_OK;
}

enum pp_status theme_load(const char *path, struct theme *t, struct pp_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return pp_fail(err, PP_ERR_IO, "--theme", "%s: cannot open", path);
    struct reader r = {.yd = {.file = path}, .err = err};
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    enum pp_status st;
    if (!yaml_parser_load(&p, &r.yd.y)) {
        st = ydoc_parse_error(err, path, &p);
    } else {
        r.yd.root = yaml_document_get_root_node(&r.yd.y);
        st = parse_theme(&r, t) == PP_OK ? PP_OK : PP_ERR_PARSE; /* a theme that does not read */
        yaml_document_delete(&r.yd.y);
    }
    yaml_parser_delete(&p);
    fclose(f);
    return st;
}

enum pp_status theme_resolve(const char *name, struct theme *t, struct pp_error *err) {
    const size_t n = strlen(name);
    if (strchr(name, '/') || (n > 5 && strcmp(name + n - 5, ".yaml") == 0))
        return theme_load(name, t, err);
    const char *dirs[] = {getenv("PODPILOT_THEMES"), PODPILOT_THEMES_DIR, PODPILOT_THEMES_INSTALLED,
                          "/usr/share/podpilot/themes"};
    char path[1024];
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        if (!dirs[i] || !dirs[i][0])
            continue;
        snprintf(path, sizeof(path), "%s/%s.yaml", dirs[i], name);
        FILE *f = fopen(path, "rb");
        if (f) {
            fclose(f);
            return theme_load(path, t, err);
        }
    }
    if (strcmp(name, "default") == 0) {
        theme_default(t);
        return PP_OK;
    }
    if (strcmp(name, "monochrome") == 0) {
        theme_default(t);
        snprintf(t->name, sizeof(t->name), "monochrome");
        t->monochrome = true;
        return PP_OK;
    }
    return pp_fail(err, PP_ERR_INVALID, "--theme",
                   "no theme \"%s\" (default, light, high-contrast, monochrome, or a .yaml "
                   "file; looked in $PODPILOT_THEMES and %s)",
                   name, PODPILOT_THEMES_DIR);
}

/* ---- colours the terminal has ---- */

static int cube(int v) { /* 0..255 to the 6-level cube: 0, 95, 135, 175, 215, 255 */
    return v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40;
}

static long dist2(uint32_t a, uint32_t b) {
    const long dr = (long)(a >> 16 & 255) - (long)(b >> 16 & 255);
    const long dg = (long)(a >> 8 & 255) - (long)(b >> 8 & 255);
    const long db = (long)(a & 255) - (long)(b & 255);
    return dr * dr + dg * dg + db * db;
}

int theme_terminal_color(const struct theme_color *c, int colors) {
    switch (c->kind) {
    case TC_DEFAULT:
        return -1;
    case TC_NAMED:
        return c->named;
    case TC_RGB:
        break;
    }
    const uint32_t v = c->rgb;
    if (colors >= 0x1000000) /* a direct-colour terminfo (xterm-direct): the colour is RGB */
        return (int)v;
    if (colors >= 256) {
        static const int level[6] = {0, 95, 135, 175, 215, 255};
        const int r = cube((int)(v >> 16 & 255)), g = cube((int)(v >> 8 & 255)),
                  b = cube((int)(v & 255));
        const uint32_t in_cube =
            (uint32_t)level[r] << 16 | (uint32_t)level[g] << 8 | (uint32_t)level[b];
        const int avg = (int)(((v >> 16 & 255) + (v >> 8 & 255) + (v & 255)) / 3);
        const int gi = avg > 238 ? 23 : avg < 8 ? 0 : (avg - 8) / 10;
        const uint32_t grey = (uint32_t)(8 + 10 * gi) * 0x010101u;
        return dist2(v, grey) < dist2(v, in_cube) ? 232 + gi : 16 + 36 * r + 6 * g + b;
    }
    int best = 0;
    for (int i = 1; i < 8; i++)
        if (dist2(v, basic_rgb[i]) < dist2(v, basic_rgb[best]))
            best = i;
    return best;
}
