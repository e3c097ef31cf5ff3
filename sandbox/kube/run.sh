#!/usr/bin/env bash
# Starts a real Kubernetes API server on this machine: etcd and kube-apiserver as processes on
# 127.0.0.1, built from their Go modules by build.sh (the first time takes ~20 minutes), and
# writes a kubeconfig for an admin user. Runs in the foreground; Ctrl-C stops both.
#
#   sandbox/kube/run.sh [--dir DIR] [--port PORT]
#
#   DIR   where certificates, etcd's data, logs and the kubeconfig go (default .opsledger-kube);
#         objects survive a restart on the same DIR
#   PORT  the HTTPS port of the API server (default 16443)
#
# Then, from another terminal:
#
#   export KUBECONFIG=DIR/kubeconfig
#   kubectl get namespaces
#   ./opsledger up --kubeconfig DIR/kubeconfig
#
# There is no kubelet and no controllers (no scheduler, no controller-manager): objects are
# stored, validated, defaulted and served, but nothing runs them. A Deployment gets no Pods and no
# status; a deleted namespace stays Terminating. Needs Go, openssl and curl.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir=".opsledger-kube"
port=16443
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in openssl curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed" >&2; exit 2; }
done

bin="$("$here/build.sh" | tail -n 1)"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
pki="$dir/pki"

if [[ ! -f "$pki/apiserver.crt" ]]; then
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=opsledger-local-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
    -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" 2>/dev/null
  openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 365 -out "$pki/apiserver.crt" \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default\nextendedKeyUsage=serverAuth\n') 2>/dev/null
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/sa.key" 2>/dev/null
  openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  echo "$(openssl rand -hex 24),admin,uid-admin,\"system:masters\"" >"$pki/tokens.csv"
  chmod 600 "$pki"/*.key "$pki/tokens.csv"
fi
token="$(cut -d, -f1 "$pki/tokens.csv" | head -n 1)"

pids=()
stop() { # the API server first, while etcd still answers; SIGKILL after 10 s
  trap - INT TERM EXIT
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.2; done
    kill -9 "${pids[i]}" 2>/dev/null || true
  done
}
trap stop INT TERM EXIT

# Both stop by themselves if this script is killed without its trap running.
export OPSLEDGER_EXIT_WITH_PARENT=1
etcd_port=$((port + 1))
start=$(date +%s)
"$bin/etcd" --name=default --data-dir="$dir/etcd" \
  --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
  --listen-peer-urls="http://127.0.0.1:$((port + 2))" --initial-advertise-peer-urls="http://127.0.0.1:$((port + 2))" \
  --initial-cluster="default=http://127.0.0.1:$((port + 2))" --log-level=warn >"$dir/etcd.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:$etcd_port/health" >/dev/null; do
  kill -0 "${pids[0]}" 2>/dev/null || { tail -n 20 "$dir/etcd.log"; exit 1; }
  sleep 0.2
done

"$bin/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$port" \
  --cert-dir="$dir/cert-dir" --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --token-auth-file="$pki/tokens.csv" --authorization-mode=RBAC \
  --service-account-issuer="https://127.0.0.1:$port" --service-account-key-file="$pki/sa.pub" \
  --service-account-signing-key-file="$pki/sa.key" --service-cluster-ip-range=10.0.0.0/24 \
  --allow-privileged=true --disable-admission-plugins=ServiceAccount \
  --endpoint-reconciler-type=none --profiling=false >"$dir/kube-apiserver.log" 2>&1 &
pids+=($!)
until curl -sf --cacert "$pki/ca.crt" -H "Authorization: Bearer $token" "https://127.0.0.1:$port/readyz" >/dev/null; do
  kill -0 "${pids[1]}" 2>/dev/null || { tail -n 20 "$dir/kube-apiserver.log"; exit 1; }
  sleep 0.2
done

cat >"$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: opsledger-local
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
contexts:
- name: opsledger-local
  context: {cluster: opsledger-local, user: admin, namespace: default}
current-context: opsledger-local
users:
- name: admin
  user:
    token: $token
EOF
chmod 600 "$dir/kubeconfig"

version="$(curl -sf --cacert "$pki/ca.crt" -H "Authorization: Bearer $token" "https://127.0.0.1:$port/version" | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p')"
echo "kube-apiserver $version ready at https://127.0.0.1:$port in $(($(date +%s) - start)) s (logs in $dir)"
echo "no kubelet and no controllers: objects are stored and served, nothing runs them"
echo "kubeconfig: $dir/kubeconfig"
echo "  export KUBECONFIG=$dir/kubeconfig"
echo "  ./opsledger up --kubeconfig $dir/kubeconfig"
echo "Ctrl-C stops it."
wait -n "${pids[@]}"
echo "run.sh: a server exited; see $dir/etcd.log and $dir/kube-apiserver.log" >&2
exit 1
