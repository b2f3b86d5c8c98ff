#!/usr/bin/env bash
# make install's result, staged: `cmake --install BUILD --prefix TMP` puts
# the binary, the themes, the man page (made from --help), bash and zsh
# completion and the README where a user's tools look; the man page
# renders and names every flag --help names; bash completes flags,
# subcommands, themes and the services of the files on the line.
set -u
build=${1:?usage: install_test.sh BUILD_DIR SOURCE_DIR}
src=${2:?usage: install_test.sh BUILD_DIR SOURCE_DIR}
pass=0 fail=0
check() { # name, condition
    if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
p="$tmp/usr"
cmake --install "$build" --prefix "$p" >"$tmp/install.log" 2>&1
check "cmake --install succeeds" "[ \$? -eq 0 ] || { cat '$tmp/install.log'; false; }"
check "the binary, and it runs" "'$p/bin/podpilot' --version | grep -q '^podpilot [0-9]'"
check "the four themes" "[ \$(ls '$p/share/podpilot/themes/'*.yaml | wc -l) -eq 4 ]"
check "the man page" "[ -s '$p/share/man/man1/podpilot.1' ]"
check "bash completion" "[ -s '$p/share/bash-completion/completions/podpilot' ]"
check "zsh completion" "head -1 '$p/share/zsh/site-functions/_podpilot' | grep -q '^#compdef podpilot'"
check "the README" "[ -s '$p/share/doc/podpilot/README.md' ]"

# The man page renders, without troff's warnings, and has every flag.
if command -v groff >/dev/null; then
    groff -man -Tutf8 -ww "$p/share/man/man1/podpilot.1" >"$tmp/man.txt" 2>"$tmp/man.err"
    check "the man page renders without warnings" "[ -s '$tmp/man.txt' ] && [ ! -s '$tmp/man.err' ] || { cat '$tmp/man.err'; false; }"
    sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g; s/‐//g' "$tmp/man.txt" | tr -d '\n ' >"$tmp/man.flat"
    for f in $("$p/bin/podpilot" --help | grep -oE '^ +--[a-z-]+' | tr -d ' ') \
        $("$p/bin/podpilot" replay --help | grep -oE '^ +--[a-z-]+' | tr -d ' '); do
        check "man page names $f" "grep -q -- '$f' '$tmp/man.flat'"
    done
    check "man page: SYNOPSIS, REPLAY, SERVICES, EXIT status" \
        "grep -q 'SYNOPSIS.*Options.*REPLAY.*SERVICES.*CONSOLE' '$tmp/man.flat' && grep -q 'Exitstatus:0done' '$tmp/man.flat'"
else
    echo "groff not installed: man page rendering not checked"
fi

# Bash completion, driven as bash drives it.
complete_line() { # words...: the completions for the last one
    PATH="$p/bin:$PATH" bash -c '
        source "$1/share/bash-completion/completions/podpilot"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _podpilot
        printf "%s\n" "${COMPREPLY[@]}"' _ "$p" "$@"
}
check "completion: a flag" "[ \"\$(complete_line podpilot --dur)\" = --duration ]"
check "completion: a subcommand" "complete_line podpilot rep | grep -qx replay"
check "completion: replay's flags" "complete_line podpilot replay --w | grep -qx -- --with"
check "completion: metrics' commands" "[ \"\$(complete_line podpilot metrics se)\" = series ] && complete_line podpilot metrics '' | grep -qx gpus"
check "completion: themes" "[ \"\$(complete_line podpilot --theme hi)\" = high-contrast ]"
two="$src/tests/data/two-namespaces.yaml"
check "completion: --load offers the files' services as ns/name" \
    "complete_line podpilot '$two' --load ml | grep -qx \"'ml-prod/flowers-predictor: \""
check "completion: a bare name in two namespaces is not offered" \
    "! complete_line podpilot '$two' --load '' | grep -qx \"'flowers-predictor: \""
check "completion: manifest files" \
    "(cd '$src/examples' && complete_line podpilot flowers-sample-g | grep -qx flowers-sample-gpu.yaml)"

# make run builds only what it runs and passes ARGS.
check "make run ARGS passes files, builds only the binary" \
    "make -n -C '$src' run BUILD='$build' ARGS='examples/x.yaml' | grep -q -- '--target podpilot' && make -n -C '$src' run BUILD='$build' ARGS='examples/x.yaml' | grep -q 'podpilot examples/x.yaml'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
