/**
 * Argo CD health assessments the sync waves depend on, as argocd-cm entries.
 *
 * - Application: Argo CD removed the health assessment of Applications in 1.8, so an app of apps
 *   would not wait for a wave's children to be healthy before starting the next wave. Restored here.
 * - ACK resources: recent Argo CD releases carry health checks for some ACK kinds, but not for every
 *   kind rendered here in every release; one explicit check for all of them keeps the behaviour the
 *   same whichever Argo CD version the chart brings: Ready (or ACK.ResourceSynced) -> Healthy,
 *   ACK.Terminal -> Degraded, anything else -> Progressing.
 */

export const APPLICATION_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
`;

/** Lua shared by the ACK checks: a terminal condition means Degraded, with the controller's message. */
const DEGRADED_IF_TERMINAL = `if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "ACK.Terminal" and c.status == "True" then
      return { status = "Degraded", message = c.message or "terminal error" }
    end
  end
end
`;

export const ACK_HEALTH = `hs = { status = "Progressing", message = "waiting for the ACK controller" }
${DEGRADED_IF_TERMINAL}if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if (c.type == "Ready" or c.type == "ACK.ResourceSynced") and c.status == "True" then
      hs.status = "Healthy"
      hs.message = c.message or "in sync with AWS"
      return hs
    end
    if c.type == "ACK.Recoverable" and c.status == "True" then
      hs.message = c.message or "recoverable error, retrying"
    end
  end
end
return hs
`;

/**
 * FieldExport: the ACK runtime clears its conditions once an export succeeds and never sets Ready, so
 * no condition means done; only a Terminal or Recoverable condition means trouble.
 */
export const FIELD_EXPORT_HEALTH = `hs = { status = "Healthy", message = "exported" }
${DEGRADED_IF_TERMINAL}if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "ACK.Recoverable" and c.status == "True" then
      hs.status = "Progressing"
      hs.message = c.message or "recoverable error, retrying"
    end
  end
end
return hs
`;

/** The ACK kinds the data tier renders, by API group, with the health script each gets. */
export const ACK_KINDS: Record<string, string[]> = {
  'rds.services.k8s.aws': ['GlobalCluster', 'DBCluster', 'DBInstance', 'DBSubnetGroup', 'DBClusterParameterGroup'],
  'elasticache.services.k8s.aws': ['ReplicationGroup', 'CacheSubnetGroup'],
  'services.k8s.aws': ['FieldExport'],
};

/** argocd-cm entries: `resource.customizations.health.<group>_<kind>` -> Lua. */
export function healthCustomizations(): Record<string, string> {
  const entries: Record<string, string> = { 'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH };
  for (const [group, kinds] of Object.entries(ACK_KINDS)) {
    for (const kind of kinds) entries[`resource.customizations.health.${group}_${kind}`] = kind === 'FieldExport' ? FIELD_EXPORT_HEALTH : ACK_HEALTH;
  }
  return entries;
}
