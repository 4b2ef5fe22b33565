/**
 * Top-level keys of the values.yaml of the Helm charts we pass values to, at the versions we pin. A key
 * that is not there is silently ignored by Helm (these charts' schemas allow extra keys), so a misspelt
 * or invented value would look configured and do nothing: the tests check ours against these lists.
 * Refresh a list when its chart version changes, from the file named in `source`.
 */
export interface ChartValueKeys {
  readonly source: string;
  readonly keys: readonly string[];
}

export const CHART_VALUE_KEYS: Record<string, ChartValueKeys> = {
  'external-dns@1.21.1': {
    source: 'kubernetes-sigs/external-dns charts/external-dns/values.yaml at tag external-dns-helm-chart-1.21.1 (app v0.21.0)',
    keys: [
      'global', 'image', 'imagePullSecrets', 'nameOverride', 'fullnameOverride', 'namespaceOverride', 'commonLabels', 'serviceAccount', 'service', 'rbac',
      'deploymentAnnotations', 'extraContainers', 'deploymentStrategy', 'revisionHistoryLimit', 'podLabels', 'podAnnotations', 'automountServiceAccountToken',
      'shareProcessNamespace', 'podSecurityContext', 'priorityClassName', 'terminationGracePeriodSeconds', 'dnsPolicy', 'dnsConfig', 'initContainers',
      'securityContext', 'env', 'livenessProbe', 'readinessProbe', 'extraVolumes', 'extraVolumeMounts', 'resources', 'nodeSelector', 'affinity',
      'topologySpreadConstraints', 'tolerations', 'serviceMonitor', 'logLevel', 'logFormat', 'interval', 'triggerLoopOnEvent', 'namespaced',
      'enableGatewayListenerSets', 'gatewayNamespace', 'sourceNamespace', 'sources', 'policy', 'registry', 'txtOwnerId', 'txtPrefix', 'txtSuffix',
      'domainFilters', 'excludeDomains', 'labelFilter', 'annotationFilter', 'annotationPrefix', 'managedRecordTypes', 'provider', 'extraArgs',
      'secretConfiguration', 'enabled',
    ],
  },
};
