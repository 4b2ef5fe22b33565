/**
 * The catalog image's MySQL connection string, assembled exactly as the image does and parsed by the
 * rules of the driver version it ships, so a test can tell whether catalog would connect (and how).
 *
 * - Assembly: aws-containers/retail-store-sample-app v1.6.2 src/catalog/repository/repository.go:28,
 *   `"%s:%s@tcp(%s)/%s?timeout=%ds&charset=utf8mb4&parseTime=True&loc=Local"` with user, password,
 *   RETAIL_CATALOG_PERSISTENCE_ENDPOINT, RETAIL_CATALOG_PERSISTENCE_DB_NAME and the connect timeout.
 * - Parsing: github.com/go-sql-driver/mysql v1.8.1 (src/catalog/go.mod:7), dsn.go ParseDSN (356-435),
 *   parseDSNParams (437-646), Config.normalize (145-207); connector.go (43-51) for connection
 *   attributes; connection.go handleParams (52-99) for what runs at connect.
 */

export interface MysqlDsnConfig {
  readonly user: string;
  readonly password: string;
  readonly net: string;
  readonly addr: string;
  readonly dbName: string;
  /** The `tls` parameter as the driver stores it (true, false, skip-verify, preferred or a registered name). */
  readonly tlsConfig: string;
  /** The tls.Config the driver builds: undefined for no TLS. */
  readonly tls?: { readonly serverName?: string; readonly insecureSkipVerify: boolean; readonly rootCAs: 'system pool' };
  readonly timeoutSeconds?: number;
  readonly parseTime: boolean;
  readonly loc?: string;
  readonly connectionAttributes?: string;
  /** Arguments sent inside the query text instead of a server-side prepare (connection.go:315-325). */
  readonly interpolateParams?: boolean;
  /** Keys the driver does not know, plus charset: sent to the server at connect. */
  readonly params: Record<string, string>;
}

/** The DSN catalog v1.6.2 builds from its environment (repository.go:28). */
export function catalogImageDsn(env: Record<string, string>, connectTimeoutSeconds = 5): string {
  const get = (name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`catalog reads ${name}, which is not set`);
    return value;
  };
  return `${get('RETAIL_CATALOG_PERSISTENCE_USER')}:${get('RETAIL_CATALOG_PERSISTENCE_PASSWORD')}@tcp(${get('RETAIL_CATALOG_PERSISTENCE_ENDPOINT')})/${get('RETAIL_CATALOG_PERSISTENCE_DB_NAME')}?timeout=${connectTimeoutSeconds}s&charset=utf8mb4&parseTime=True&loc=Local`;
}

/** The driver's readBool (utils.go:90-102). */
function readBool(value: string): boolean | undefined {
  if (['1', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'false', 'FALSE', 'False'].includes(value)) return false;
  return undefined;
}

/** Go's time.ParseDuration for the forms a DSN carries (e.g. 5s, 500ms, 1m30s), in seconds. */
function parseDuration(value: string): number {
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (!value || parts.map((p) => p[0]).join('') !== value) throw new Error(`time: invalid duration "${value}"`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]], 0);
}

/** go-sql-driver/mysql v1.8.1 ParseDSN followed by normalize; throws the driver's error. */
export function parseMysqlDsn(dsn: string): MysqlDsnConfig {
  // The last '/' separates the address part from the database name (dsn.go:361-366).
  const slash = dsn.lastIndexOf('/');
  if (slash < 0) throw new Error('invalid DSN: missing the slash separating the database name');
  const head = dsn.slice(0, slash);
  const at = head.lastIndexOf('@');
  const userinfo = at >= 0 ? head.slice(0, at) : '';
  const colon = userinfo.indexOf(':');
  const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
  const password = colon >= 0 ? userinfo.slice(colon + 1) : '';
  const netAddr = head.slice(at + 1);
  const open = netAddr.indexOf('(');
  if (open >= 0 && !netAddr.endsWith(')')) throw new Error('invalid DSN: did you forget to escape a param value?');
  const net = open >= 0 ? netAddr.slice(0, open) : netAddr;
  const addr = open >= 0 ? netAddr.slice(open + 1, -1) : '';
  // The first '?' after the slash starts the parameters (dsn.go:407-416).
  const rest = dsn.slice(slash + 1);
  const question = rest.indexOf('?');
  const dbName = decodeURIComponent(question >= 0 ? rest.slice(0, question) : rest);
  const cfg: { -readonly [K in keyof MysqlDsnConfig]: MysqlDsnConfig[K] } = { user, password, net, addr, dbName, tlsConfig: '', parseTime: false, params: {} };
  if (question >= 0) {
    // Split on '&', then at the first '='; a piece without '=' is skipped (dsn.go:440-444).
    for (const piece of rest.slice(question + 1).split('&')) {
      const eq = piece.indexOf('=');
      if (eq < 0) continue;
      const key = piece.slice(0, eq);
      const value = piece.slice(eq + 1);
      switch (key) {
        case 'tls': {
          // dsn.go:595-611
          const b = readBool(value);
          if (b !== undefined) cfg.tlsConfig = b ? 'true' : 'false';
          else if (['skip-verify', 'preferred'].includes(value.toLowerCase())) cfg.tlsConfig = value.toLowerCase();
          else cfg.tlsConfig = decodeURIComponent(value);
          break;
        }
        case 'timeout':
          cfg.timeoutSeconds = parseDuration(value); // dsn.go:588-592
          break;
        case 'readTimeout':
        case 'writeTimeout':
          parseDuration(value);
          break;
        case 'parseTime': {
          const b = readBool(value);
          if (b === undefined) throw new Error(`invalid bool value: ${value}`);
          cfg.parseTime = b;
          break;
        }
        case 'loc': {
          const loc = decodeURIComponent(value);
          if (loc !== 'Local' && loc !== 'UTC' && !/^[A-Za-z]+\/[A-Za-z_]+$/.test(loc)) throw new Error(`unknown time zone ${loc}`);
          cfg.loc = loc;
          break;
        }
        case 'connectionAttributes':
          cfg.connectionAttributes = decodeURIComponent(value); // dsn.go:626-631
          break;
        case 'interpolateParams':
          cfg.interpolateParams = readBool(value);
          if (cfg.interpolateParams === undefined) throw new Error(`invalid bool value: ${value}`);
          break;
        case 'allowNativePasswords':
        case 'multiStatements':
          if (readBool(value) === undefined) throw new Error(`invalid bool value: ${value}`);
          break;
        case 'collation':
          break;
        default:
          // Unknown keys, charset included, go to Params (dsn.go:633-641).
          cfg.params[key] = decodeURIComponent(value);
      }
    }
  }
  // normalize (dsn.go:169-193): only the built-in names; anything else must have been registered.
  switch (cfg.tlsConfig) {
    case '':
    case 'false':
      break;
    case 'true':
      cfg.tls = { insecureSkipVerify: false, rootCAs: 'system pool' };
      break;
    case 'skip-verify':
      cfg.tls = { insecureSkipVerify: true, rootCAs: 'system pool' };
      break;
    case 'preferred':
      cfg.tls = { insecureSkipVerify: true, rootCAs: 'system pool' };
      break;
    default:
      // catalog calls mysql.RegisterTLSConfig nowhere, so no custom name exists.
      throw new Error(`invalid value / unknown config name: ${cfg.tlsConfig}`);
  }
  // A verifying TLS config gets the host of the address as ServerName (dsn.go:188-193).
  if (cfg.tls && !cfg.tls.insecureSkipVerify) cfg.tls = { ...cfg.tls, serverName: cfg.addr.replace(/:\d+$/, '') };
  return cfg;
}

/** Connection attributes as sent in the handshake: `k:v` pairs; pairs without ':' are dropped (connector.go:43-51). */
export function connectionAttributes(cfg: MysqlDsnConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (cfg.connectionAttributes ?? '').split(',')) {
    const colon = pair.indexOf(':');
    if (colon >= 0) out[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return out;
}

/** What the driver runs right after authenticating (connection.go:52-99): SET NAMES, then one SET of every other param. */
export function sessionStatements(cfg: MysqlDsnConfig): string[] {
  const statements: string[] = [];
  const { charset, ...others } = cfg.params;
  if (charset !== undefined) statements.push(`SET NAMES ${charset.split(',')[0]}`);
  const sets = Object.entries(others).map(([k, v]) => `${k} = ${v}`);
  if (sets.length) statements.push(`SET ${sets.join(', ')}`);
  return statements;
}
