import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Adds `labels` to every API object under `scope` (chart-wide labels are added by cdk8s itself). */
export function applyLabels(scope: IConstruct, labels: Record<string, string>): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof ApiObject) {
      for (const [key, value] of Object.entries(labels)) child.metadata.addLabel(key, value);
    }
  }
}

/** Adds each of `labels` to every API object under `scope` that does not carry that label yet. */
export function applyMissingLabels(scope: IConstruct, labels: Record<string, string>): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof ApiObject) {
      for (const [key, value] of Object.entries(labels)) {
        if (child.metadata.getLabel(key) === undefined) child.metadata.addLabel(key, value);
      }
    }
  }
}

/** `app.kubernetes.io/instance` of the shared, per-region objects of an environment, e.g. prod-us-east-1. */
export function regionInstance(env: string, region: string): string {
  return `${env}-${region}`;
}
