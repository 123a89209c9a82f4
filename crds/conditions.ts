// Conditions as Kubernetes defines them (metav1.Condition). Pure helpers both the controllers
// and the reconcilers use live here, beside the resource types.

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
  /** RFC 3339 time the status last changed. */
  lastTransitionTime: string;
}
