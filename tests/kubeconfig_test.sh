#!/usr/bin/env bash
# podpilot's kubeconfig resolution against the machine's kubectl: for each
# case, `podpilot kubeconfig` must print what `kubectl config view --minify
# -o json` prints for the same files, flags and environment (compared as
# JSON); the cases kubectl refuses, podpilot refuses with client-go's words.
# No server is involved: this proves the loading rules, not a connection.
set -u
bin=${1:?usage: kubeconfig_test.sh PATH/TO/podpilot}
command -v kubectl >/dev/null || { echo "kubectl not found: skipped"; exit 77; }
pass=0 fail=0
check() { # name, condition
    if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"; mkdir -p "$HOME/.kube" "$tmp/sub"
unset KUBECONFIG KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT POD_NAMESPACE
same() { # name, args...: podpilot kubeconfig ARGS == kubectl config view --minify -o json ARGS
    local name=$1; shift
    "$bin" kubeconfig "$@" >"$tmp/pp.json" 2>"$tmp/pp.err"; local rc=$?
    kubectl config view --minify -o json "$@" >"$tmp/kk.json" 2>"$tmp/kk.err"
    check "$name (podpilot exits 0)" "[ $rc -eq 0 ] || { cat '$tmp/pp.err'; false; }"
    check "$name: as kubectl config view --minify prints it" \
        "/usr/bin/python3 - '$tmp/pp.json' '$tmp/kk.json' <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
if a != b:
    print(json.dumps(a, sort_keys=True)); print(json.dumps(b, sort_keys=True)); sys.exit(1)
PY"
}
refused() { # name, message part, args...
    local name=$1 part=$2; shift 2
    "$bin" kubeconfig "$@" >/dev/null 2>"$tmp/pp.err"; local rc=$?
    check "$name: refused (exit 1)" "[ $rc -eq 1 ]"
    check "$name: says \"$part\"" "grep -qF -- '$part' '$tmp/pp.err' || { cat '$tmp/pp.err'; false; }"
}

cat >"$tmp/sub/m1" <<'K'
apiVersion: v1
kind: Config
current-context: ctx1
clusters:
- name: shared
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: ./ca.crt
    tls-server-name: kubernetes.default.svc
contexts:
- name: ctx1
  context: {cluster: shared, user: u, namespace: team-a}
- name: ctx2
  context: {cluster: only2, user: u2}
- name: ctx3
  context: {cluster: proxied, user: basic}
users:
- name: u
  user:
    tokenFile: ./tok
    client-certificate: ../client.crt
    client-key-data: QUJD
K
cat >"$tmp/m2" <<'K'
apiVersion: v1
kind: Config
current-context: ctx4
clusters:
- name: shared
  cluster: {server: "https://other:1", insecure-skip-tls-verify: true}
- name: only2
  cluster: {server: "https://two:443", certificate-authority-data: QUJD}
- name: proxied
  cluster: {server: "https://three:443", proxy-url: "socks5://127.0.0.1:1080", insecure-skip-tls-verify: true}
contexts:
- name: ctx2
  context: {cluster: wrong, user: wrong}
- name: ctx4
  context: {cluster: only2, user: basic, namespace: four}
users:
- name: u
  user: {username: x, password: pw}
- name: u2
  user:
    token: secret-token-never-printed
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./plug.sh
      args: [a, b]
      env: [{name: A, value: "1"}]
      interactiveMode: Never
- name: basic
  user: {username: admin, password: hunter2}
K
export KUBECONFIG="$tmp/sub/m1:$tmp/missing:$tmp/m2"
same "KUBECONFIG: first file wins a name whole, current-context from the first"
same "--context: the first file's ctx2 (not m2's)" --context ctx2
same "a proxy and basic auth" --context ctx3
out=$("$bin" kubeconfig --context ctx2; "$bin" kubeconfig --context ctx3)
check "no credential is printed" "! grep -q 'secret-token-never-printed\|hunter2\|QUJD' <<<\"\$out\""
same "--kubeconfig: that file alone" --kubeconfig "$tmp/m2"
unset KUBECONFIG
cp "$tmp/m2" "$HOME/.kube/config"
same "no KUBECONFIG: ~/.kube/config"
refused "a missing context" 'context "nope" does not exist' --context nope
refused "a missing --kubeconfig" "stat $tmp/none: no such file" --kubeconfig "$tmp/none"

k() { printf 'apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\nclusters:\n- name: k\n  cluster: %s\nusers:\n- name: u\n  user: %s\n' "$1" "$2" >"$tmp/k"; }
k '{server: "https://a", certificate-authority: ca, certificate-authority-data: QUJD}' '{}'
refused "CA file and data" 'certificate-authority-data and certificate-authority are both specified for k. certificate-authority-data will override.' --kubeconfig "$tmp/k"
k '{server: "https://a"}' '{token: t, username: a, password: b}'
refused "token and basic auth" 'more than one authentication method found for u; found [token basicAuth], only one is allowed' --kubeconfig "$tmp/k"
k '{server: "https://a"}' '{client-certificate-data: QUJD}'
refused "a certificate without its key" 'client-key-data or client-key must be specified for u to use the clientCert authentication method.' --kubeconfig "$tmp/k"
k '{server: "https://a"}' '{exec: {command: x, apiVersion: client.authentication.k8s.io/v1}}'
refused "exec v1 without interactiveMode" 'interactiveMode must be specified for u to use exec authentication plugin' --kubeconfig "$tmp/k"
k '{server: "https://a"}' '{auth-provider: {name: gcp}}'
refused "the removed gcp auth provider" 'The gcp auth plugin has been removed' --kubeconfig "$tmp/k"
k '{server: "http://a:8080"}' '{token: t}'
refused "a token over plain http" 'credentials are sent only over https' --kubeconfig "$tmp/k"
k '{insecure-skip-tls-verify: true}' '{}'
refused "a cluster with no server" 'no server found for cluster "k"' --kubeconfig "$tmp/k"
k '{server: "https://a", proxy-url: "ftp://p"}' '{}'
refused "a proxy kubectl would refuse" '"ftp://p" for cluster "k": the scheme must be' --kubeconfig "$tmp/k"

# In a pod: the service account (its directory overridable for tests).
rm -f "$HOME/.kube/config"
mkdir -p "$tmp/sa"; echo tok >"$tmp/sa/token"; echo "ml-prod" >"$tmp/sa/namespace"; touch "$tmp/sa/ca.crt"
out=$(KUBERNETES_SERVICE_HOST=10.96.0.1 KUBERNETES_SERVICE_PORT=443 PODPILOT_SA_DIR="$tmp/sa" "$bin" kubeconfig)
check "in-cluster: the service's address" "grep -q '\"server\":.*\"https://10.96.0.1:443\"' <<<\"\$out\""
check "in-cluster: the namespace file" "grep -q '\"namespace\":.*\"ml-prod\"' <<<\"\$out\""
check "in-cluster: the token file, not the token" "grep -q '\"tokenFile\":.*/sa/token' <<<\"\$out\" && ! grep -q '\"tok\"' <<<\"\$out\""
out=$(KUBERNETES_SERVICE_HOST=fd00::1 KUBERNETES_SERVICE_PORT=443 PODPILOT_SA_DIR="$tmp/sa" "$bin" kubeconfig)
check "in-cluster: an IPv6 host in brackets" "grep -q 'https://\[fd00::1\]:443' <<<\"\$out\""
refused "nothing at all" 'no kubeconfig found'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
