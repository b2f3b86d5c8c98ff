/* Console colour themes: themes/NAME.yaml (default, light, high-contrast,
 * monochrome), k9s's vocabulary (fgColor, bgColor; colour names, "default"
 * or "#rrggbb") on htop-style semantic roles, mapped to what the terminal
 * has: 256 colours (the 6x6x6 cube and grey ramp), 8, or none. */
#ifndef PODPILOT_THEME_H
#define PODPILOT_THEME_H

#include "engine/common.h"

enum theme_role {
    TR_HEADER,
    TR_TITLE,
    TR_SELECT,
    TR_PANIC,
    TR_OVERRIDE,
    TR_WARN,
    TR_DIM,
    TR_STABLE,
    TR_PANICLINE,
    TR_REPLICAS,
    TR_COUNT
};

enum theme_color_kind { TC_DEFAULT, TC_NAMED, TC_RGB };

struct theme_color {
    enum theme_color_kind kind;
    int named;    /* 0..7: black red green yellow blue magenta cyan white */
    uint32_t rgb; /* 0xrrggbb */
};

struct theme_style {
    struct theme_color fg, bg;
    bool bold, underline, reverse;
};

struct theme {
    char name[64];
    bool monochrome;
    struct theme_style roles[TR_COUNT];
};

/* The built-in default (what themes/default.yaml says). */
void theme_default(struct theme *t);
/* Reads a theme file; err names file:line:column and the field. */
enum pp_status theme_load(const char *path, struct theme *t, struct pp_error *err);
/* NAME or a path: a path (with '/' or ending in .yaml) is read as is; a
 * name is looked up in $PODPILOT_THEMES, then the themes directory podpilot
 * was built with. "default" needs no file. */
enum pp_status theme_resolve(const char *name, struct theme *t, struct pp_error *err);
/* The terminal colour for c when the terminal has `colors` colours (8, 16,
 * 256, or 2^24 with a direct-colour terminfo such as xterm-direct: then
 * #rrggbb is used as is); -1 for the terminal's default. */
int theme_terminal_color(const struct theme_color *c, int colors);
const char *theme_role_name(enum theme_role r);

#endif
