/**
 * catalog's MySQL connection, end to end as the image and its driver see it: the rendered environment,
 * the DSN the image assembles from it (retail-store-sample-app v1.6.2 src/catalog/repository/repository.go:28)
 * and what go-sql-driver/mysql v1.8.1 (the version src/catalog/go.mod pins) makes of it.
 */
import { RDS_CA_BUNDLE } from '../config/credentials';
import { RenderInput } from '../charts/render';
import { DATA_PROXY_ENDPOINTS } from '../charts/constants';
import { committedInput, K8sObject, renderRegion } from './helpers';
import { catalogImageDsn, connectionAttributes, parseMysqlDsn, sessionStatements } from './support/mysql-dsn';

/** The committed environment: data.rdsProxy off, catalog connects to its cluster directly. */
const direct = committedInput();
/** The same environment with the proxies turned on (data.rdsProxy) and their endpoints in the outputs. */
const committed: RenderInput = { ...direct, config: { ...direct.config, data: { ...direct.config.data, rdsProxy: true } } };

/** catalog's pod in a region and its environment as the image sees it: $(VAR) expanded, Secrets and ConfigMaps resolved to realistic values. */
function catalogIn(input: RenderInput, region: string) {
  const rendered = renderRegion(input, region);
  const catalog = rendered.apps.find((o) => o.kind === 'Deployment' && o.metadata.name === 'catalog') as K8sObject;
  const pod = catalog.spec.template.spec;
  const container = pod.containers[0];
  const proxies = rendered.data.find((o) => o.kind === 'ConfigMap' && o.metadata.name === DATA_PROXY_ENDPOINTS.configMap);
  // The cluster endpoint ACK exports (data-endpoints) is only known once the cluster exists: a realistic one.
  const clusterHost = `securecart-${input.config.name}-catalog-${region}.cluster-c0ffee123456.${region}.rds.amazonaws.com`;
  const env: Record<string, string> = {};
  for (const e of container.env as Array<{ name: string; value?: string; valueFrom?: any }>) {
    if (e.value !== undefined) env[e.name] = e.value.replace(/\$\((\w+)\)/g, (_m, v) => env[v] ?? `$(${v})`);
    else if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      env[e.name] = ref.name === DATA_PROXY_ENDPOINTS.configMap ? proxies!.data[ref.key] : clusterHost;
    } else if (e.valueFrom?.secretKeyRef) env[e.name] = e.valueFrom.secretKeyRef.key === 'username' ? 'catalog_admin' : 'Zk3-q9_X.mR2vT7wLp4NsY8c1aD6fH0jGbE5uQiOo';
  }
  return { pod, container, env };
}

const cases = committed.config.regions.flatMap((r) => [
  { mode: 'through its RDS Proxy', input: committed, region: r.name },
  { mode: 'directly to its cluster', input: direct, region: r.name },
]);

describe.each(cases)('catalog in $region, $mode', ({ mode, input, region }) => {
  const { pod, container, env } = catalogIn(input, region);
  const dsn = catalogImageDsn(env);
  const cfg = parseMysqlDsn(dsn);
  const viaProxy = mode === 'through its RDS Proxy';

  test('the driver parses the DSN the image builds, with TLS on and verified', () => {
    expect(cfg.dbName).toBe('catalog');
    expect(cfg.net).toBe('tcp');
    expect(cfg.addr).toMatch(viaProxy ? new RegExp(`\\.proxy-[a-z0-9]+\\.${region}\\.rds\\.amazonaws\\.com:3306$`) : /\.cluster-[a-z0-9]+\.[a-z0-9-]+\.rds\.amazonaws\.com:3306$/);
    expect(cfg.tlsConfig).toBe('true');
    // tls=true: no InsecureSkipVerify, the root pool of the system, the endpoint's host as ServerName.
    expect(cfg.tls).toEqual({ insecureSkipVerify: false, rootCAs: 'system pool', serverName: cfg.addr.replace(/:3306$/, '') });
    expect(cfg.timeoutSeconds).toBe(5);
    expect(cfg.parseTime).toBe(true);
    expect(cfg.loc).toBe('Local');
  });

  test('nothing unknown reaches the server: only SET NAMES runs at connect', () => {
    expect(sessionStatements(cfg)).toEqual(['SET NAMES utf8mb4']);
    // The image's "?timeout=5s" is absorbed as an attribute without ':', which the driver drops.
    expect(cfg.connectionAttributes).toBe('?timeout=5s');
    expect(connectionAttributes(cfg)).toEqual({});
  });

  test('queries carry their arguments: no server-side prepare, so RDS Proxy does not pin the session', () => {
    // go-sql-driver/mysql v1.8.1 connection.go:315-317: without interpolateParams a query with arguments
    // returns driver.ErrSkip and database/sql prepares it on the server (COM_STMT_PREPARE), which pins.
    expect(cfg.interpolateParams).toBe(true);
    expect(cfg.params.charset).toBe('utf8mb4');
  });

  if (viaProxy) {
    test("Go's root pool is the image's system store, which has the Amazon Trust Services roots of the proxy's ACM certificate", () => {
      // Neither variable: Go reads the system bundle file and directories (charts/workloads.ts catalogTrust).
      expect(env).not.toHaveProperty('SSL_CERT_FILE');
      expect(env).not.toHaveProperty('SSL_CERT_DIR');
      expect(container.volumeMounts.map((m: any) => m.mountPath)).not.toContain('/etc/rds-ca');
      expect(JSON.stringify(pod.volumes)).not.toContain(RDS_CA_BUNDLE.kubernetesSecret);
    });
  } else {
    test("Go's root pool is the RDS CA bundle, mounted from the Secret External Secrets keeps current", () => {
      const file = env.SSL_CERT_FILE;
      expect(file).toBe(`/etc/rds-ca/${RDS_CA_BUNDLE.key}`);
      // SSL_CERT_DIR unset: the system directories are still read (crypto/x509/root_unix.go).
      expect(env).not.toHaveProperty('SSL_CERT_DIR');
      const mount = container.volumeMounts.find((m: any) => file.startsWith(`${m.mountPath}/`));
      expect(mount).toMatchObject({ mountPath: '/etc/rds-ca', readOnly: true });
      expect(pod.volumes.find((v: any) => v.name === mount.name)).toEqual({ name: mount.name, secret: { secretName: RDS_CA_BUNDLE.kubernetesSecret, optional: false } });
    });
  }

  test('no value carries a $ that go-envconfig would expand (catalog runs every value through os.Expand)', () => {
    for (const [name, value] of Object.entries(env)) expect({ name, value }).toEqual({ name, value: expect.not.stringContaining('$') });
  });
});

describe('the driver rules the test relies on catch the broken forms', () => {
  const dsnWith = (dbName: string) =>
    catalogImageDsn({ RETAIL_CATALOG_PERSISTENCE_USER: 'u', RETAIL_CATALOG_PERSISTENCE_PASSWORD: 'p', RETAIL_CATALOG_PERSISTENCE_ENDPOINT: 'db.example:3306', RETAIL_CATALOG_PERSISTENCE_DB_NAME: dbName });

  test('the old tls=skip-verify database name: tls receives "skip-verify?timeout=5s" and the DSN is refused', () => {
    expect(() => parseMysqlDsn(dsnWith('catalog?tls=skip-verify'))).toThrow('invalid value / unknown config name: skip-verify?timeout=5s');
  });
  test('tls=true alone is glued to the image timeout', () => {
    expect(() => parseMysqlDsn(dsnWith('catalog?tls=true'))).toThrow('invalid value / unknown config name: true?timeout=5s');
  });
  test('a trailing & turns the image timeout into a session variable MySQL refuses', () => {
    expect(sessionStatements(parseMysqlDsn(dsnWith('catalog?tls=true&')))).toEqual(['SET NAMES utf8mb4', 'SET ?timeout = 5s']);
  });
  test('a plain database name connects without TLS (refused by require_secure_transport)', () => {
    expect(parseMysqlDsn(dsnWith('catalog')).tls).toBeUndefined();
  });
});
