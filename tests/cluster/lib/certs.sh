# shellcheck shell=bash
# Certificates and kubeconfigs for the test cluster (sourced by `up`).
# Everything is generated once into $PKI and reused by later `up`s.

_openssl_sign() { # NAME SUBJ [SAN [CA]]  -> $PKI/NAME.{key,crt} signed by $PKI/CA (default: ca)
  local name=$1 subj=$2 san=${3:-} ca=${4:-ca}
  local ext="$PKI/$name.ext"
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n $san ]]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
  chmod 0600 "$PKI/$name.key"
}

# write_kubeconfig FILE USER_CERT_NAME
write_kubeconfig() (
  file=$1 name=$2
  umask 077
  cat >"$file" <<KC
apiVersion: v1
kind: Config
clusters:
- name: cinc-scan
  cluster:
    server: $APISERVER_URL
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$name.crt")
    client-key-data: $(base64 -w0 "$PKI/$name.key")
contexts:
- name: cinc-scan
  context:
    cluster: cinc-scan
    user: $name
current-context: cinc-scan
KC
  chmod 0600 "$file"
)

ensure_certs() {
  mkdir -p "$PKI"
  chmod 0700 "$PKI"
  # regenerate everything if the set is incomplete or was made for another node/port
  local stamp="node=$NODE_NAME ip=$NODE_IP port=$APISERVER_PORT v=3"
  if [[ -f $PKI/stamp && $(cat "$PKI/stamp") == "$stamp" && -f $PKI/kubelet.crt ]]; then
    log "certificates: reusing $PKI"
    return 0
  fi
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet; do
    pid_alive "$c" && die "certificates in $PKI must be regenerated but $c still runs: run down first"
  done
  log "certificates: generating in $PKI"
  rm -f "$PKI"/*
  local ca
  for ca in ca front-proxy-ca; do
    openssl genrsa -out "$PKI/$ca.key" 2048 2>/dev/null
    openssl req -x509 -new -key "$PKI/$ca.key" -subj "/CN=cinc-scan-test-$ca" -days 3650 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$PKI/$ca.crt" 2>/dev/null
    chmod 0600 "$PKI/$ca.key"
  done
  # the aggregation layer's client identity (also silences controller-manager/scheduler
  # complaints about a missing requestheader CA)
  _openssl_sign front-proxy-client "/CN=front-proxy-client" "" front-proxy-ca
  _openssl_sign apiserver "/CN=kube-apiserver" \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$SERVICE_IP,IP:$NODE_IP"
  _openssl_sign kubelet "/CN=$NODE_NAME" "DNS:$NODE_NAME,DNS:localhost,IP:$NODE_IP,IP:127.0.0.1"
  _openssl_sign admin "/O=system:masters/CN=cinc-admin"
  _openssl_sign apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client"
  _openssl_sign controller-manager "/CN=system:kube-controller-manager"
  _openssl_sign scheduler "/CN=system:kube-scheduler"
  _openssl_sign node "/O=system:nodes/CN=system:node:$NODE_NAME"
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  chmod 0600 "$PKI/sa.key"
  rm -f "$PKI"/*.srl
  write_kubeconfig "$PKI/controller-manager.kubeconfig" controller-manager
  write_kubeconfig "$PKI/scheduler.kubeconfig" scheduler
  write_kubeconfig "$PKI/kubelet.kubeconfig" node
  echo "$stamp" >"$PKI/stamp"
}

# kube-proxy's identity (bound to system:node-proxier by the default RBAC policy). Made on
# its own, so that a PKI from before kube-proxy was added gains it without a regeneration.
ensure_kube_proxy_cert() {
  if [[ -f $PKI/kube-proxy.crt && -f $PKI/kube-proxy.key && -f $PKI/kube-proxy.kubeconfig ]]; then
    return 0
  fi
  log "certificates: kube-proxy client certificate"
  _openssl_sign kube-proxy "/CN=system:kube-proxy"
  rm -f "$PKI"/*.srl
  write_kubeconfig "$PKI/kube-proxy.kubeconfig" kube-proxy
}
