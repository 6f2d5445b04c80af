// Wrapper module: builds helm for the c8s chart tests (deploy/helm/c8s rendered and applied
// to the test cluster). Only this file and go.sum are committed; the binary goes to the cache
// (see scripts/k8s-test-cluster.sh).
module c8s.dev/k8s-test-cluster/helm

go 1.26.0

require helm.sh/helm/v3 v3.22.0
