//go:build tools

// Package k8s is a wrapper module that pins the Kubernetes release whose
// commands the test cluster builds (see ../../lib/build-binaries.sh).
// The blank imports keep go.mod/go.sum complete for those main packages.
package k8s

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
