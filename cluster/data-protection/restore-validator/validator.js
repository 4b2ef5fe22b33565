/**
 * Says whether a restore test came up. AWS Backup restore testing restores the latest recovery point of
 * each protected resource on schedule, then waits for a validation result until the validation window
 * ends ("Restore testing validation", https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-validation.html:
 * an EventBridge rule on "Restore Job State Change" with status COMPLETED and the plan's ARN invokes a
 * function, which calls PutRestoreValidationResult; the event carries restoreJobId, resourceType and
 * createdResourceArn). A restore that failed outright is already paged by the restore-job-failed rule.
 *
 * What "came up" means here:
 * - Aurora: the restored cluster is `available` and encrypted. AWS Backup restores the cluster only, no
 *   instance ("Restoring an Amazon Aurora cluster": "it does not create or attach an Amazon RDS
 *   instance"), so no SQL runs: the storage volume restored from the recovery point is what is proven.
 * - DynamoDB: the restored table is ACTIVE, and one page of a scan says whether it holds items.
 * A failure is validated FAILED (so the job shows it) and published to the alert topic.
 *
 * Plain CommonJS: the AWS SDK v3 clients ship with the Lambda Node.js runtime and are required only by
 * `handler`, so the tests run `validate` and `report` against fakes.
 */
'use strict';

/** The resource types the plan restores, as AWS Backup names them in events. */
const RESOURCE_TYPES = ['Aurora', 'DynamoDB'];

/** Table name of a DynamoDB table ARN (arn:aws:dynamodb:<region>:<account>:table/<name>). */
function tableName(arn) {
  const match = /:table\/([^/]+)$/.exec(arn);
  if (!match) throw new Error(`not a DynamoDB table ARN: ${arn}`);
  return match[1];
}

/**
 * Checks the restored resource of one completed restore job.
 * @param detail the event's detail (restoreJobId, resourceType, createdResourceArn)
 * @param clients { describeDbCluster(arn), describeTable(name), scanOne(name) }
 * @returns {Promise<{ status: 'SUCCESSFUL' | 'FAILED', message: string }>}
 */
async function validate(detail, clients) {
  const arn = detail.createdResourceArn;
  if (!arn) return { status: 'FAILED', message: 'the restore job names no created resource' };
  try {
    if (detail.resourceType === 'Aurora') {
      const cluster = await clients.describeDbCluster(arn);
      if (!cluster) return { status: 'FAILED', message: `restored cluster ${arn} not found` };
      if (cluster.Status !== 'available') return { status: 'FAILED', message: `restored cluster ${arn} is ${cluster.Status}, not available` };
      if (cluster.StorageEncrypted !== true) return { status: 'FAILED', message: `restored cluster ${arn} is not encrypted` };
      return { status: 'SUCCESSFUL', message: `cluster ${cluster.DBClusterIdentifier} available (${cluster.Engine} ${cluster.EngineVersion}), encrypted` };
    }
    if (detail.resourceType === 'DynamoDB') {
      const name = tableName(arn);
      const table = await clients.describeTable(name);
      if (!table) return { status: 'FAILED', message: `restored table ${name} not found` };
      if (table.TableStatus !== 'ACTIVE') return { status: 'FAILED', message: `restored table ${name} is ${table.TableStatus}, not ACTIVE` };
      const items = await clients.scanOne(name);
      return { status: 'SUCCESSFUL', message: `table ${name} ACTIVE, ${items > 0 ? 'holds items' : 'empty (the source may have had no carts)'}` };
    }
    return { status: 'FAILED', message: `resource type ${detail.resourceType} is not one this validator knows (${RESOURCE_TYPES.join(', ')})` };
  } catch (e) {
    return { status: 'FAILED', message: `checking ${arn} failed: ${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : String(e)}` };
  }
}

/**
 * Records the result on the restore job, and pages when it failed.
 * @param clients { putValidationResult(jobId, status, message), publish(subject, message) }
 */
async function report(detail, result, clients, env) {
  await clients.putValidationResult(detail.restoreJobId, result.status, result.message.slice(0, 1000));
  if (result.status === 'FAILED') {
    const subject = `SecureCart ${env.ENVIRONMENT} ${env.AWS_REGION}: restore test of ${detail.resourceType} failed`.slice(0, 99);
    await clients.publish(subject, `${result.message}\nRestore job ${detail.restoreJobId}, plan ${detail.restoreTestingPlanArn}.\nRunbook: ${env.RUNBOOK}`);
  }
}

async function handler(event) {
  /* eslint-disable global-require */
  const { RDSClient, DescribeDBClustersCommand } = require('@aws-sdk/client-rds');
  const { DynamoDBClient, DescribeTableCommand, ScanCommand } = require('@aws-sdk/client-dynamodb');
  const { BackupClient, PutRestoreValidationResultCommand } = require('@aws-sdk/client-backup');
  const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');
  const rds = new RDSClient({});
  const dynamodb = new DynamoDBClient({});
  const backup = new BackupClient({});
  const sns = new SNSClient({});
  const clients = {
    describeDbCluster: async (arn) => (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: arn }))).DBClusters?.[0],
    describeTable: async (name) => (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table,
    scanOne: async (name) => (await dynamodb.send(new ScanCommand({ TableName: name, Limit: 1, Select: 'COUNT' }))).Count ?? 0,
    putValidationResult: (jobId, status, message) =>
      backup.send(new PutRestoreValidationResultCommand({ RestoreJobId: jobId, ValidationStatus: status, ValidationStatusMessage: message })),
    publish: (subject, message) => sns.send(new PublishCommand({ TopicArn: process.env.ALERT_TOPIC_ARN, Subject: subject, Message: message })),
  };
  const result = await validate(event.detail, clients);
  await report(event.detail, result, clients, process.env);
  return result;
}

module.exports = { handler, validate, report, tableName, RESOURCE_TYPES };
