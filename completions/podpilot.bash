# bash completion for podpilot. Flags come from `podpilot --help` (and
# `replay --help`, `services --help`), so they never drift from the
# binary; service names from `podpilot services -o name` on the files
# already on the line.
shopt -s extglob # the -X patterns below, as bash-completion itself sets
_podpilot_flags() { # [SUBCOMMAND]
    "${COMP_WORDS[0]}" ${1:+"$1"} --help 2>/dev/null |
        grep -oE '^ +-{1,2}[a-z][a-z0-9-]*' | tr -d ' ' | sort -u
}

_podpilot_files_on_line() {
    local w
    for w in "${COMP_WORDS[@]:1}"; do
        case $w in
        *.yaml | *.yml | *.json) [ -f "$w" ] && printf '%s\n' "$w" ;;
        esac
    done
}

_podpilot_services() { # the services the files on the line make: ns/name, and
    local files     # the bare name where no other namespace has it
    mapfile -t files < <(_podpilot_files_on_line)
    "${COMP_WORDS[0]}" services -o name "${files[@]}" 2>/dev/null |
        awk -F/ '{ print $0; n[$2]++ } END { for (k in n) if (n[k] == 1) print k }' | sort -u
}

_podpilot() {
    local cur prev sub=""
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    case ${COMP_WORDS[1]:-} in
    replay | services) sub=${COMP_WORDS[1]} ;;
    esac
    COMPREPLY=()
    if [ "${COMP_WORDS[1]:-}" = metrics ] && [ "$COMP_CWORD" -eq 2 ]; then
        mapfile -t COMPREPLY < <(compgen -W "check query series gpus" -- "$cur")
        return
    fi
    if [ "$COMP_CWORD" -eq 1 ] && [[ $cur != -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "replay services kubeconfig metrics load" -- "$cur")
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -X '!*.@(yaml|yml|json)' -- "$cur")
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur")
        return
    fi
    case $prev in
    --theme)
        mapfile -t COMPREPLY < <(compgen -W "default light high-contrast monochrome" -- "$cur")
        return ;;
    --load) # 'SVC: FLAGS' is one word: the quote opens, the user closes it
        local s want=${cur#\'}
        while read -r s; do
            [[ $s == "$want"* ]] && COMPREPLY+=("'$s: ")
        done < <(_podpilot_services)
        compopt -o nospace 2>/dev/null
        return ;;
    --speed)
        mapfile -t COMPREPLY < <(compgen -W "1 10 100 max" -- "$cur")
        return ;;
    -o | --output)
        COMPREPLY=(name)
        return ;;
    --record-dir)
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return ;;
    --duration | --seed | --metrics-addr)
        return ;;
    --commands | --record | --with)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_podpilot_flags "$sub")" -- "$cur")
        return
    fi
    if [ "$sub" = replay ]; then
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -f -X '!*.@(yaml|yml|json)' -- "$cur")
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur")
    fi
}
complete -F _podpilot podpilot
