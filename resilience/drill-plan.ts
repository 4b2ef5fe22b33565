/**
 * What `npm run drill` prints for a Fault Injection Service experiment: how to start (and stop) it,
 * what the models predict, and which commands and metrics show whether the prediction held. Pure: the
 * command reads the config and the rendered manifests and passes them in.
 */
import { DRILL_SCENARIOS, DrillScenario, drillMinutes, drillOutputKey, STOP_INSTANCES_TARGET_QUOTA } from '../config/drills';
import { regionalStackName } from '../config/outputs';
import { launchableZones } from '../config/karpenter';
import { cpuMillis, PlatformConfig, SERVICE_NAMES } from '../config/schema';
import { evictionsAllowed, scaleOut } from './capacity';
import { renderedAutoscaler } from './schedules';
import { FIGURES } from './figures';
import { buildReport, Rendered, ResilienceReport } from './report';
import { nodePoolZones, RenderedObject, zoneLossScenarios } from './zone-loss-scenarios';

export interface DrillPlanInput {
  readonly config: PlatformConfig;
  /** Rendered objects per region (what Argo CD applies). */
  readonly rendered: Record<string, Rendered[]>;
  readonly scenario: DrillScenario;
  readonly region: string;
  /** The zone of an AZ drill. @default the region's first zone */
  readonly zone?: string;
  /**
   * The template id `cdk deploy --outputs-file` recorded for a stack output, if any.
   * @default none: the plan looks it up in the stack's outputs
   */
  readonly recordedTemplateId?: (stackName: string, outputKey: string) => string | undefined;
}

const find = (objects: RenderedObject[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in the rendered manifests: run npm run synth`);
  return o;
};

const seconds = (v: number | null) => (v === null ? 'not while the zone is out' : v === 0 ? 'at once' : `${v} s (${(v / 60).toFixed(1)} min)`);

/** The plan, as lines of text. */
export function drillPlan(input: DrillPlanInput): string[] {
  const { config, region, scenario } = input;
  const regionConfig = config.regions.find((r) => r.name === region);
  if (!regionConfig) throw new Error(`--region ${region} is not one of the environment's regions (${config.regions.map((r) => r.name).join(', ')})`);
  const perZone = DRILL_SCENARIOS[scenario].perZone;
  if (!perZone && input.zone) throw new Error(`--zone applies to the az-power scenario only, not ${scenario}`);
  const zone = input.zone ?? regionConfig.availabilityZones[0];
  if (!regionConfig.availabilityZones.includes(zone)) throw new Error(`--zone ${zone} is not a zone of ${region} (${regionConfig.availabilityZones.join(', ')})`);
  const stackName = regionalStackName(config.name, region);
  const outputKey = drillOutputKey(scenario, perZone ? zone : undefined);
  const durationMinutes = drillMinutes(scenario, config.drills.azPowerMinutes);
  const report = buildReport(config, input.rendered);
  const aws = `--region ${region}`;
  const templateId = input.recordedTemplateId?.(stackName, outputKey);
  const id = templateId
    ? `ID=${templateId}`
    : `ID=$(aws cloudformation describe-stacks ${aws} --stack-name ${stackName} --query "Stacks[0].Outputs[?OutputKey=='${outputKey}'].OutputValue" --output text)`;
  const lines = [
    `# Drill ${scenario} in ${region}${perZone ? `, zone ${zone}` : ''} (${config.name})`,
    '',
    '## Before',
    '',
    ...(!perZone && !config.drills.allowPodFaults
      ? [
          '- **Not ready yet**: FIS fails every EKS pod action while the target containers have a read-only root filesystem (FIS User Guide, "EKS Pod actions", Limitations), and this environment renders them read-only and leaves the FIS pod\'s Role unbound. For the drill window: set `drills.allowPodFaults: true`, `npm run synth`, commit, push, and wait for the rollout',
          `    kubectl -n ${config.namespace} rollout status deployment --timeout=10m`,
          '  and set it back to false afterwards.',
        ]
      : []),
    ...(perZone
      ? [
          `- FIS stops at most a quota of instances per action (Service Quotas ${STOP_INSTANCES_TARGET_QUOTA.serviceCode} ${STOP_INSTANCES_TARGET_QUOTA.quotaCode}, ${STOP_INSTANCES_TARGET_QUOTA.defaultValue} by default): the zone's nodes must fit, or the drill fails (raise the quota first).`,
          `    kubectl get nodes -l topology.kubernetes.io/zone=${zone} --no-headers | wc -l`,
          `    aws service-quotas get-service-quota ${aws} --service-code ${STOP_INSTANCES_TARGET_QUOTA.serviceCode} --quota-code ${STOP_INSTANCES_TARGET_QUOTA.quotaCode} --query Quota.Value`,
        ]
      : []),
    '- Nothing else is broken: no alarm of the environment in ALARM, every Deployment at its desired count.',
    `    aws cloudwatch describe-alarms ${aws} --state-value ALARM --alarm-name-prefix securecart-${config.name} --query 'MetricAlarms[].AlarmName'   # []`,
    `    kubectl -n ${config.namespace} get deploy    # READY = UP-TO-DATE everywhere`,
    `    kubectl -n ${config.namespace} get pods -o wide -L app.kubernetes.io/name   # note the pods per zone (node names)`,
    '- Preview what the experiment will act on, without acting:',
    `    ${id}`,
    `    aws fis start-experiment ${aws} --experiment-template-id "$ID" --experiment-options actionsMode=skip-all`,
    `    aws fis list-experiment-resolved-targets ${aws} --experiment-id <the id it printed>`,
    '',
    '## Run',
    '',
    `    aws fis start-experiment ${aws} --experiment-template-id "$ID" --tags drill=${scenario}`,
    `    aws fis get-experiment ${aws} --id <experiment id> --query 'experiment.state'   # running, then completed`,
    `- It stops by itself if the synthetic shopper or the 5xx alarms of ${region} fire (its stop conditions); stop it by hand with`,
    `    aws fis stop-experiment ${aws} --id <experiment id>`,
    `  FIS then undoes what it can (restarts instances, restores the network ACLs). Its log: the log group named in the template.`,
    '',
    '## What the models predict',
    '',
    ...(scenario === 'az-power'
      ? azPowerPrediction(config, input.rendered[region], region, zone, report, durationMinutes)
      : scenario === 'pod-delete'
        ? podDeletePrediction(config, region, report)
        : cpuStressPrediction(config, input.rendered[region], region, report, durationMinutes)),
    '',
  ];
  return lines;
}

function azPowerPrediction(config: PlatformConfig, objects: RenderedObject[], region: string, zone: string, report: ResilienceReport, minutes: number): string[] {
  // Pods run in the zones not evacuated: an evacuated zone holds none to lose.
  const zones = launchableZones(config.regions.find((r) => r.name === region)!);
  if (!zones.includes(zone)) return [`${zone} is evacuated (regions[].evacuatedZones): the shop runs nothing there, and the drill would show nothing. Clear the field first, or drill another zone.`];
  const evicted = FIGURES.nodeMonitorGrace.seconds;
  const rows = SERVICE_NAMES.map((service) => {
    const s = report.services.find((x) => x.service === service && x.region === region)!;
    const deployment = find(objects, 'Deployment', service);
    const scenarios = zoneLossScenarios({
      zones,
      deployment,
      nodePools: nodePoolZones(objects, deployment.spec.template.spec.tolerations ?? []),
      minReplicas: s.minReplicas,
      maxReplicas: s.maxReplicas,
      required: s.required,
      lostZone: zone,
    }).filter((z) => z.load === 'normal');
    const [room, trapped, evacuated] = [scenarios.find((z) => z.room === 'room')!, scenarios.find((z) => z.room === 'no room' && z.mitigation === 'none')!, scenarios.find((z) => z.mitigation === 'evacuation')!];
    const cpu = cpuMillis(deployment.spec.template.spec.containers[0].resources.requests.cpu);
    return `| ${service} | ${room.pods} → ${room.timeline.outcome.survivors} (${room.needed} needed) | ${room.timeline.outcome.survivors * cpu} m of ${room.pods * cpu} m | ${seconds(room.timeline.readyAt.length ? room.timeline.readyAt[room.timeline.readyAt.length - 1] : 0)} | ${trapped.timeline.neverBack ? `${trapped.timeline.neverBack} Pending` : 'none Pending'} | ${seconds(evacuated.timeline.readyAt.length ? evacuated.timeline.readyAt[evacuated.timeline.readyAt.length - 1] : 0)} |`;
  });
  const platform = report.platform.filter((p) => p.component.neededDuringZoneLoss);
  return [
    `FIS stops the shop's instances in ${zone} for ${minutes} minutes (Karpenter nodes and system nodes), refuses Karpenter's launches there, cuts the zone's subnets off, fails over an Aurora writer in ${zone} and powers off the Redis nodes there. Expected, from the loss (t = 0):`,
    '',
    `- t ≈ ${evicted} s: the zone's system nodes NotReady (node-monitor-grace-period). Karpenter's own nodes leave sooner: EC2 reports them \`stopping\`, and Karpenter's interruption handling cordons, drains and deletes them (karpenter-provider-aws v1.14.1 pkg/controllers/interruption/utils.go:207-216). A real power loss sends no such event; the trap below does not depend on it.`,
    `- t ≈ ${evicted + 30} s: the pods on the lost system nodes are evicted (30 s toleration); the ReplicaSets create replacements.`,
    `- The system node group's Auto Scaling group may treat its stopped instances as unhealthy and replace them in the other zones (FIS refuses its launches in ${zone}); in a real power loss they stay running but silent. So Argo CD's application controller may come back by itself in the drill: rehearse runbook step 3 anyway, and check the system nodes' zones after the drill.`,
    `- Aurora: a writer in ${zone} moves to another zone in about ${FIGURES.auroraMultiAzFailover.seconds} s; Redis: a primary in ${zone} is replaced by a replica in about ${FIGURES.elastiCacheFailover.seconds} s. Orders and checkout may fail a request or two meanwhile.`,
    `- NodesNotReady fires about 3 minutes in: start the runbook (docs/operations.md, "A zone degrades"). The drill is the time to rehearse it, evacuation commit included.`,
    '',
    'Per service, at its floor (what runs outside the peak):',
    '',
    `| service | pods → survivors | CPU requested, left of before | room on the other nodes: all back at | no room, nothing done | no room, evacuated at ${FIGURES.evacuationDecision.seconds + FIGURES.gitopsApply.seconds} s: all back at |`,
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `"No room, nothing done" is the dead-zone trap: Karpenter keeps picking ${zone}, FIS refuses the launch (as a dead zone would), the pods stay Pending until the zone leaves the NodePools. The synthetic shopper should keep passing throughout: the survivors carry the load.`,
    '',
    'Platform components the recovery needs (survivors of the zone loss):',
    ...platform.map((p) =>
      p.component.mode === 'per-node'
        ? `- ${p.component.name}: one per surviving node; ${p.how}`
        : `- ${p.component.name}: ${p.survivors} of ${p.component.replicas} left; ${p.backSeconds === null ? `if it was in the zone, a person brings it back (${p.component.manualRecovery ?? 'docs/operations.md'})` : `serves again ${seconds(p.backSeconds)}`}`,
    ),
    '',
    '## How to check',
    '',
    `    kubectl get nodes -L topology.kubernetes.io/zone | grep ${zone}            # NotReady (system), gone (Karpenter)`,
    `    kubectl -n ${config.namespace} get pods -o wide --field-selector=status.phase=Pending   # the trap, if no room`,
    '    kubectl get nodeclaims -L topology.kubernetes.io/zone                      # claims in the lost zone never Ready; after evacuation, new ones elsewhere',
    `    kubectl -n ${config.namespace} get deploy                                 # READY back to UP-TO-DATE by the predicted time`,
    `    kubectl -n ${config.namespace} get hpa                                     # targets known throughout (metrics-server survived)`,
    `- CloudWatch (${region}): ContainerInsights cluster_failed_node_count (ClusterName securecart-${config.name}-${region}) rises then returns to 0; the synthetic shopper's SuccessPercent stays at 100; AWS/ApplicationELB HTTPCode_Target_5XX_Count stays near 0; AWS/RDS and AWS/ElastiCache events show one failover each.`,
    `- Afterwards: clear evacuatedZones, and check the spread returns (docs/operations.md step 7).`,
  ];
}

function podDeletePrediction(config: PlatformConfig, region: string, report: ResilienceReport): string[] {
  const services = report.services.filter((s) => s.region === region);
  const rows = services.map((s) => `| ${s.service} | ${s.minReplicas} → ${s.minReplicas - 1} | ${s.required} | ${s.minReplicas - 1 >= s.required ? 'yes' : '**no**'} | ${FIGURES.podStart.seconds} s |`);
  const short = services.filter((s) => s.minReplicas - 1 < s.required).map((s) => s.service);
  return [
    'FIS deletes one pod of each Deployment (a delete, not an eviction: PodDisruptionBudgets do not apply). Each ReplicaSet replaces its pod at once, on the node it left (the room is there).',
    '',
    '| service | pods → during | required | required kept? | replacement ready after |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    ...(short.length
      ? [`**Below the required count** for about a minute: ${short.join(', ')} (at their floor in ${region}${region === config.primaryRegion ? '' : ', a warm standby'}). ${region === config.primaryRegion ? 'Raise their floors before the drill.' : 'Expected for a standby; drill the primary for the real check.'}`, '']
      : []),
    'ui keeps serving through its other pods: the deleted pod leaves the ALB target group as it terminates (preStop sleep, then deregistration). A request in flight on the deleted pod may fail once.',
    '',
    '## How to check',
    '',
    `    kubectl -n ${config.namespace} get pods -w                        # one Terminating and one new pod per service, Running within about a minute`,
    `    kubectl -n ${config.namespace} get events --field-selector reason=Killing`,
    `- CloudWatch (${region}): the synthetic shopper's SuccessPercent stays at 100; ALB HTTPCode_Target_5XX_Count stays near 0.`,
  ];
}

function cpuStressPrediction(config: PlatformConfig, objects: RenderedObject[], region: string, report: ResilienceReport, minutes: number): string[] {
  const rows = report.services
    .filter((s) => s.region === region)
    .map((s) => {
      const up = scaleOut(renderedAutoscaler(objects, s.service).behavior.scaleUp, s.minReplicas, s.maxReplicas);
      const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === s.service);
      const atMax = FIGURES.metricsToDecision.seconds + up.seconds + FIGURES.karpenterNode.seconds + FIGURES.podStart.seconds;
      return `| ${s.service} | ${s.minReplicas} → ${s.maxReplicas} | ${up.path.join(' → ')} | ${atMax} s | ${pdb ? evictionsAllowed(pdb.spec, s.maxReplicas) : '-'} |`;
    });
  return [
    `FIS loads the CPU of every pod of each Deployment for ${minutes} minutes. The HPAs (70 % of requested CPU) scale each service to its ceiling, Karpenter adds nodes, the pods start; once the stress ends they scale back down slowly (5-minute window, at most 10 % a minute).`,
    '',
    '| service | pods | HPA steps | at the ceiling after (metrics + steps + a node + pod start) | drain evicts at the ceiling |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'The new pods are idle (FIS stresses the pods it found when it started): the scale-out proves the chain metrics-server → HPA → Karpenter → ALB registration, not that the new pods absorb load.',
    '',
    '## How to check',
    '',
    `    kubectl -n ${config.namespace} get hpa -w                     # TARGETS over 70 %, REPLICAS climbing to the ceiling`,
    '    kubectl get nodeclaims -w                                     # new claims, Ready in about a minute',
    `    kubectl -n ${config.namespace} get pods -o wide               # new pods spread over the zones`,
    `- CloudWatch (${region}): ContainerInsights pod_cpu_utilization per service rises; the synthetic shopper keeps passing.`,
  ];
}
