/**
 * The AWS CDK app (EKS Blueprints): one stack per region plus the global stack. Placeholder until the
 * cluster stacks land: it validates the config so `cdk synth` fails early on bad input.
 */
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../config/load';

const app = new App();
loadConfig(app.node.tryGetContext('config') ?? undefined);
app.synth();
