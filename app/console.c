#include "app/console.h"

#include "app/commands.h"
#include "app/output.h"
#include "engine/runner.h"
#include "tui/tui.h"

#include <langinfo.h>
#include <locale.h>
#include <string.h>

static enum pp_status parse(void *ctx, const char *line, struct command *out,
                            struct pp_error *err) {
    int64_t at;
    bool empty;
    if (commands_parse_line(ctx, line, false, &at, out, &empty, err) != PP_OK)
        return PP_ERR_PARSE;
    if (empty)
        return pp_fail(err, PP_ERR_PARSE, "command", "empty command");
    return PP_OK;
}

int console_run(struct svc_set *set, const struct console_options *opt) {
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);

    struct output o;
    if (output_open(&o, set, NULL, opt->record_path, opt->header) != 0)
        return 1;
    struct pp_error err = {0};
    const struct runner_options ro = {.speed = opt->speed, .duration_s = opt->duration_s};
    struct runner *r = runner_start(set, &ro, output_record, &o, &err);
    if (!r) {
        char msg[1024];
        pp_error_format(&err, msg, sizeof(msg));
        fprintf(stderr, "podpilot: %s\n", msg);
        output_close(&o);
        return 1;
    }
    const struct tui_options to = {
        .theme = opt->theme,
        .monochrome = opt->monochrome,
        .ascii = !codeset || strcmp(codeset, "UTF-8") != 0,
        .parse = parse,
        .parse_ctx = set,
        .recording = opt->record_path != NULL,
    };
    int rc = tui_run(r, &to);
    runner_stop(r);
    if (output_close(&o) != 0)
        rc = 1;
    return rc;
}
