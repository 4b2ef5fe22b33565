/**
 * Construct ids of the drills under a regional stack: a contract with cluster/nag-acknowledgements.ts,
 * which accepts findings by construct path. Kept free of heavy imports for that reason.
 */

/** The construct holding every drill of a region. */
export const DRILLS_CONSTRUCT_ID = 'Drills';

/** The region's pod drills. */
export const POD_DELETE_CONSTRUCT_ID = 'PodDelete';
export const POD_CPU_STRESS_CONSTRUCT_ID = 'PodCpuStress';

/** Prefix of a zone's AZ power drill construct, followed by the zone's letter in upper case. */
export const AZ_POWER_CONSTRUCT_PREFIX = 'AzPower';

/** Construct id of a zone's AZ power drill: by the zone's letter, so that it reads the same in every region. */
export function azPowerConstructId(zone: string): string {
  const letter = /\d([a-z])$/.exec(zone)?.[1];
  if (!letter) throw new Error(`zone "${zone}" does not end in a digit and a zone letter, as us-east-1a does`);
  return `${AZ_POWER_CONSTRUCT_PREFIX}${letter.toUpperCase()}`;
}
