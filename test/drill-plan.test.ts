/**
 * The drill plans (resilience/drill-plan.ts): each names how to start and stop the experiment, what the
 * models predict for that region and zone, and how to check it.
 */
import { drillPlan, DrillPlanInput } from '../resilience/drill-plan';
import { defaultInput, renderRegion } from './helpers';

const input = defaultInput();
const { config } = input;
const rendered = Object.fromEntries(config.regions.map((r) => [r.name, Object.values(renderRegion(input, r.name)).flat()]));
const plan = (over: Partial<DrillPlanInput>) =>
  drillPlan({ config, rendered, scenario: 'az-power', region: 'us-east-1', ...over }).join('\n');

describe('az-power', () => {
  const text = plan({});

  test('starts the template read from the stack outputs, previews first, and says how to stop it', () => {
    expect(text).toContain(`aws cloudformation describe-stacks --region us-east-1 --stack-name securecart-prod-us-east-1 --query "Stacks[0].Outputs[?OutputKey=='DrillAzPowerUsEast1a'].OutputValue" --output text`);
    expect(text).toContain('--experiment-options actionsMode=skip-all');
    expect(text).toContain('aws fis stop-experiment --region us-east-1 --id');
    // A known template id is used as is.
    expect(plan({ recordedTemplateId: (stack, key) => (stack === 'securecart-prod-us-east-1' && key === 'DrillAzPowerUsEast1a' ? 'EXT1a2b3c4d5e6f7' : undefined) })).toContain('ID=EXT1a2b3c4d5e6f7');
  });

  test('predicts, per service at its floor, the survivors and each outcome from the zone-loss model', () => {
    // One pod per zone in the primary: 3 -> 2; room: back at 50 + 30 + 60 s; no room: the trap;
    // evacuated at 660 s: a node (60 s) and the pod (60 s) later.
    expect(text).toContain('| ui | 3 → 2 (2 needed) | 500 m of 750 m | 140 s (2.3 min) | 1 Pending | 780 s (13.0 min) |');
    expect(text).toContain('Karpenter keeps picking us-east-1a');
  });

  test('the standby predicts what the primary does: the same floors, one pod per zone', () => {
    // Since the Region switch either region may be active, so the standby runs the primary's floors
    // (3 over 3 zones): losing any zone takes one pod, exactly as in the primary above.
    const standby = plan({ region: 'us-west-2', zone: 'us-west-2c' });
    expect(standby).toContain('| ui | 3 → 2 (2 needed) | 500 m of 750 m | 140 s (2.3 min) | 1 Pending | 780 s (13.0 min) |');
  });

  test('lists the platform components the recovery needs, with their survivors', () => {
    expect(text).toContain('- karpenter: 1 of 2 left; serves again 15 s');
    expect(text).toContain('- argocd-application-controller: 0 of 1 left; if it was in the zone, a person brings it back (docs/operations.md#a-zone-degrades, step 3)');
  });

  test('refuses a zone or a region the environment does not have, naming it', () => {
    expect(() => plan({ zone: 'us-east-1f' })).toThrow('--zone us-east-1f is not a zone of us-east-1 (us-east-1a, us-east-1b, us-east-1c)');
    expect(() => plan({ region: 'eu-west-1' })).toThrow('--region eu-west-1 is not one of the environment');
    expect(() => plan({ scenario: 'pod-delete', zone: 'us-east-1a' })).toThrow('--zone applies to the az-power scenario only');
  });
});

describe('pod faults', () => {
  test('pod-delete: one pod per service, the required replicas kept, back after a pod start', () => {
    const text = plan({ scenario: 'pod-delete' });
    expect(text).toContain('| checkout | 3 → 2 | 2 | yes | 60 s |');
    expect(text).toContain('PodDisruptionBudgets do not apply');
    expect(text).not.toContain('Below the required count');
    // The standby runs the primary's floors (either may be active after a Region switch): one pod less
    // keeps the required count there too.
    const standby = plan({ scenario: 'pod-delete', region: 'us-west-2' });
    expect(standby).toContain('| checkout | 3 → 2 | 2 | yes | 60 s |');
    expect(standby).not.toContain('Below the required count');
  });

  test('pod-cpu-stress: each HPA path from floor to ceiling and the time to get there', () => {
    const text = plan({ scenario: 'pod-cpu-stress' });
    // ui 3 -> 18 with +100 % or +4 every 15 s: 7, 14, 18 (3 steps, 45 s), then 30 s metrics, a node, pod start.
    expect(text).toContain('| ui | 3 → 18 | 7 → 14 → 18 | 195 s |');
  });
});
