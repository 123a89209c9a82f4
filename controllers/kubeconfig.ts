// Loads the KubeConfig the way kubectl finds it: --kubeconfig, then $KUBECONFIG and
// ~/.kube/config, then the in-cluster service account.
import * as k8s from '@kubernetes/client-node';

export function loadKubeConfig(path?: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  if (!kc.getCurrentCluster()) throw new Error('no cluster configured (no --kubeconfig, $KUBECONFIG, ~/.kube/config or in-cluster account)');
  return kc;
}

export function kubeConfigFromString(text: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(text);
  return kc;
}
