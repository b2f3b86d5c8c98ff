# Sourced by the tests that run tests/kube_fake.py: check(), a temporary
# directory (the current one, HOME too, so kubectl's cache stays in it)
# that goes at exit with the servers started (their pids in pids; KEEP=1
# keeps it), and the test CA with the fake's server certificate.
pass=0 fail=0
check() { # name, condition
    if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"; }
trap cleanup EXIT
export HOME="$tmp/home"; mkdir -p "$HOME"
unset KUBECONFIG KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT
cd "$tmp"
ssl() { openssl "$@" 2>/dev/null; }
# ca.crt/ca.key, and server.crt/server.key for localhost and 127.0.0.1
make_server_cert() {
    ssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=podpilot-test-ca -keyout ca.key -out ca.crt
    ssl req -newkey rsa:2048 -nodes -subj /CN=kube-fake -keyout server.key -out server.csr
    printf 'subjectAltName=DNS:localhost,DNS:kubernetes.default.svc,IP:127.0.0.1\n' >san.ext
    ssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.crt
}
