# One podpilot --help text into man(7) roff, under the section head NAME
# (-v name=...): the usage lines as a synopsis, "options:" entries as
# tagged paragraphs, indented lists as printed, the rest as paragraphs.
function esc(s) {
    gsub(/\\/, "\\e", s)
    gsub(/-/, "\\-", s)
    if (s ~ /^[.']/)
        s = "\\&" s
    return s
}
function flush() {
    if (para != "")
        print esc(para)
    para = ""
}
function verbatim(on) {
    if (on && !nf) { flush(); print ".nf" }
    if (!on && nf) print ".fi"
    nf = on
}
BEGIN { print ".SH " name; usage = 1 }
usage && /^$/ {
    print ".nf"
    for (i = 1; i <= n; i++) print esc(syn[i])
    print ".fi"
    print ".PP"
    usage = 0
    next
}
usage {
    line = $0
    sub(/^usage: /, "", line)
    if (line ~ /^ +podpilot / || n == 0) { sub(/^ +/, "", line); syn[++n] = line }
    else { sub(/^ +/, "", line); syn[n] = syn[n] " " line }
    next
}
/^$/ { flush(); verbatim(0); opts = 0; print ".PP"; next }
/^options:$/ { flush(); verbatim(0); print ".SS Options"; opts = 1; next }
opts && /^  -/ {
    listed = 0
    flush()
    line = $0
    sub(/^ +/, "", line)
    flag = line; desc = ""
    if (match(line, /  +/)) {
        flag = substr(line, 1, RSTART - 1)
        desc = substr(line, RSTART + RLENGTH)
        col = index($0, desc)
    }
    print ".TP"
    print ".B " esc(flag)
    para = desc
    next
}
opts {
    line = $0
    indent = match(line, /[^ ]/)
    sub(/^ +/, "", line)
    if (indent > col) { flush(); print ".br"; print "\\ \\ " esc(line); listed = 1; next }
    if (listed) { print ".br"; listed = 0 }
    para = para == "" ? line : para " " line
    next
}
/^  / { verbatim(1); print esc($0); next }
/:$/ { flush(); verbatim(0); print ".TP"; print esc($0); print ".br"; next }
{ verbatim(0); para = para == "" ? $0 : para " " $0 }
END { flush(); verbatim(0) }
