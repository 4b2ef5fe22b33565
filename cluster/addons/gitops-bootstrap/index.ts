import { Construct } from 'constructs';
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { PlatformConfig } from '../../../config/schema';
import { bootstrapProject, rootApplication } from '../../../charts/gitops';
import { addManifestAfter } from '../manifest-after';

export interface GitOpsBootstrapAddOnProps {
  readonly config: PlatformConfig;
  readonly region: string;
}

/**
 * Hands the cluster to git: applies the bootstrap AppProject and the root Application of the region
 * (the same objects rendered into argocd/<region>/, which the root then keeps in sync, itself
 * included). Replaces the Blueprints Argo CD bootstrap, which renders its path as a Helm chart with
 * allowEmpty and the default project.
 */
export class GitOpsBootstrapAddOn implements blueprints.ClusterAddOn {
  readonly id = 'gitops-bootstrap';

  constructor(private readonly props: GitOpsBootstrapAddOnProps) {}

  deploy(clusterInfo: blueprints.ClusterInfo): Promise<Construct> {
    return addManifestAfter(clusterInfo, blueprints.addons.ArgoCDAddOn.name, this.id, [bootstrapProject(this.props.config), rootApplication(this.props.config, this.props.region)]);
  }
}
