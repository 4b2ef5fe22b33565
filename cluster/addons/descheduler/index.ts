import { Construct } from 'constructs';
import * as blueprints from '@aws-quickstart/eks-blueprints';

export interface DeschedulerAddOnProps extends blueprints.HelmAddOnUserProps {
  /** Namespaces whose pods are re-spread. */
  readonly namespaces: string[];
  /**
   * How often the descheduler looks for pods that break their zone spread.
   * @default 5m
   */
  readonly interval?: string;
}

const defaultProps: blueprints.HelmAddOnProps = {
  name: 'descheduler',
  chart: 'descheduler',
  release: 'descheduler',
  repository: 'https://kubernetes-sigs.github.io/descheduler/',
  // Descheduler minor versions follow Kubernetes': 0.34 for 1.34.
  version: '0.34.0',
  namespace: 'kube-system',
};

/**
 * Keeps zone spread true after scheduling. The scheduler only spreads pods when it places them:
 * an HPA scale-down may remove pods from the smaller zones and pods are not moved back when a lost
 * zone returns, so a service can drift to, say, 2/1/0 over three zones and lose 2 of 3 pods with one
 * zone. The descheduler evicts pods that break a DoNotSchedule zone spread (PodDisruptionBudgets
 * respected), and the scheduler places them again, evenly.
 */
export class DeschedulerAddOn extends blueprints.HelmAddOn {
  private readonly options: DeschedulerAddOnProps;

  constructor(props: DeschedulerAddOnProps) {
    super({ ...defaultProps, ...props });
    this.options = props;
  }

  deploy(clusterInfo: blueprints.ClusterInfo): Promise<Construct> {
    return Promise.resolve(
      this.addHelmChart(clusterInfo, {
        // Extra values (tolerations) first: the policy below is this add-on's to define.
        ...(this.options.values ?? {}),
        kind: 'Deployment',
        deschedulingInterval: this.options.interval ?? '5m',
        deschedulerPolicyAPIVersion: 'descheduler/v1alpha2',
        deschedulerPolicy: {
          profiles: [
            {
              name: 'zone-spread',
              pluginConfig: [
                // The shop's pods mount an emptyDir /tmp; it holds nothing worth keeping a pod for. The
                // descheduler protects pods with local storage by default; podProtections replaces the
                // deprecated evictLocalStoragePods (descheduler v0.34.0
                // pkg/framework/plugins/defaultevictor/types.go; validation.go refuses mixing the two).
                { name: 'DefaultEvictor', args: { podProtections: { defaultDisabled: ['PodsWithLocalStorage'] } } },
                {
                  name: 'RemovePodsViolatingTopologySpreadConstraint',
                  args: { constraints: ['DoNotSchedule'], topologyBalanceNodeFit: true, namespaces: { include: this.options.namespaces } },
                },
              ],
              plugins: { balance: { enabled: ['RemovePodsViolatingTopologySpreadConstraint'] } },
            },
          ],
        },
      }),
    );
  }
}
