/**
 * Which environment variables are secrets (R4), in one table: the shell tool leaves them out of a
 * command's environment, and the headless host keeps them out of its own process environment
 * (where `/proc/<pid>/environ` would show them to any process of the same user).
 *
 * Names are matched against upper case, split on `_` boundaries where a bare substring would catch
 * ordinary variables: `PATH` is not a `_PAT`, `TOKENIZERS_PARALLELISM` is not a token, `PWD` is
 * the working directory. A value that is a credential whatever its name (a URL with a password, a
 * key in a well-known format) is caught by the value table.
 */

interface SecretRule {
  pattern: RegExp;
  /** What it catches, for the reader and the tests. */
  example: string;
}

/** Names that hold credentials. */
export const SECRET_NAME_RULES: readonly SecretRule[] = [
  { pattern: /(^|_)(API_?)?KEYS?($|_)/, example: 'OPENAI_API_KEY, AWS_ACCESS_KEY_ID, SIGNING_KEY' },
  { pattern: /APIKEY|PRIVATE_?KEY|ACCESS_?KEY/, example: 'GOOGLE_APIKEY, SSH_PRIVATEKEY' },
  { pattern: /(^|_)TOKENS?($|_)|ACCESS_?TOKEN|AUTHTOKEN/, example: 'GITHUB_TOKEN, GH_TOKEN, HF_TOKEN, BATON_ACCESS_TOKEN' },
  { pattern: /(^|_)PAT($|_)/, example: 'MY_GITHUB_PAT, GITHUB_PAT' },
  { pattern: /SECRET/, example: 'AWS_SECRET_ACCESS_KEY, CLIENT_SECRET' },
  { pattern: /PASSWORD|PASSWD|PASSPHRASE|(^|_)PASS($|_)|.+_PWD$/, example: 'DB_PASSWORD, PGPASSWORD, SMTP_PASS, MYSQL_PWD' },
  { pattern: /CREDENTIAL/, example: 'GOOGLE_APPLICATION_CREDENTIALS, AZURE_CREDENTIALS' },
  { pattern: /(^|_)AUTH$|(^|_)COOKIE/, example: 'NPM_CONFIG__AUTH, SESSION_COOKIE' },
  { pattern: /(^|_)DSN$|WEBHOOK/, example: 'SENTRY_DSN, SLACK_WEBHOOK_URL' },
];

/** Values that are credentials whatever the variable is called. */
export const SECRET_VALUE_RULES: readonly SecretRule[] = [
  { pattern: /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i, example: 'postgres://user:password@db/app' },
  { pattern: /^(sk-|sk_live_|rk_live_|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|xox[abprs]-|hf_|AKIA|ASIA|AIza|npm_)[A-Za-z0-9_-]{12,}/, example: 'sk-…, ghp_…, github_pat_…, xoxb-…, AKIA…' },
];

/**
 * Baton's own configuration: not secret in itself, but none of a command's business (the host's
 * internal variables, the provider configuration that sits next to the keys).
 */
const BATON_OWN = /^(BATON_|OPENAI_|ANTHROPIC_)/;

export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_NAME_RULES.some((rule) => rule.pattern.test(upper));
}

export function isSecretValue(value: string): boolean {
  const trimmed = value.trim();
  return SECRET_VALUE_RULES.some((rule) => rule.pattern.test(trimmed));
}

export function isSecretVariable(name: string, value: string | undefined): boolean {
  return isSecretName(name) || (value !== undefined && isSecretValue(value));
}

/** The names of the secrets present in `env`. */
export function secretNamesIn(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => isSecretVariable(name, value))
    .map(([name]) => name);
}

/**
 * The environment a command runs with: Baton's own, minus its secrets and its internal variables
 * (R4). Model API keys, the host's access token and anything named or shaped like a credential stay
 * out of reach of commands, and so out of their output, which goes to the model and the transcript.
 */
export function commandEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name, value]) => !BATON_OWN.test(name.toUpperCase()) && !isSecretVariable(name, value)));
}
