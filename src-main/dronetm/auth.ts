/**
 * DroneTM sign-in tokens: JWTs DroneTM issues at login (access: 1 day, refresh: 8 days in its config.py). They live
 * in the OS keychain (the app's safeStorage store) or in the environment (CLI), in memory otherwise: never in the
 * project database, a settings file or a log.
 */
export interface DronetmTokens {
  accessToken: string;
  refreshToken?: string;
}

/** Where tokens are kept between runs, one entry per DroneTM server (its API root). */
export interface TokenStore {
  get(server: string): Promise<DronetmTokens | null>;
  set(server: string, tokens: DronetmTokens): Promise<void>;
  delete(server: string): Promise<void>;
}

export const ACCESS_ENV = 'DRONETM_ACCESS_TOKEN';
export const REFRESH_ENV = 'DRONETM_REFRESH_TOKEN';

/** The `exp` claim of a JWT in seconds, or null when the token is not a readable JWT (then the server decides). */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : null;
  } catch {
    return null;
  }
}

/** True when the token expires within `marginSeconds` (refresh it before use rather than after a refusal). */
export function needsRefresh(token: string, marginSeconds = 60): boolean {
  const exp = tokenExpiry(token);
  return exp !== null && exp - marginSeconds <= Date.now() / 1000;
}

/**
 * The CLI's store: tokens from DRONETM_ACCESS_TOKEN (and DRONETM_REFRESH_TOKEN when given); a refreshed token is kept
 * in this process's memory only (`postflight login` prints the lines to export, nothing is written to disk).
 */
export function envTokens(env: NodeJS.ProcessEnv): TokenStore {
  const memory = new Map<string, DronetmTokens>();
  return {
    async get(server) {
      const kept = memory.get(server);
      if (kept) return kept;
      const access = env[ACCESS_ENV];
      if (!access) return null;
      const refresh = env[REFRESH_ENV];
      return { accessToken: access, ...(refresh ? { refreshToken: refresh } : {}) };
    },
    async set(server, tokens) {
      memory.set(server, { ...tokens });
    },
    async delete(server) {
      memory.delete(server);
    },
  };
}

/** Tokens for this process only (the browser harness): gone when it stops. */
export function memoryTokens(): TokenStore {
  const memory = new Map<string, DronetmTokens>();
  return {
    async get(server) {
      return memory.get(server) ?? null;
    },
    async set(server, tokens) {
      memory.set(server, { ...tokens });
    },
    async delete(server) {
      memory.delete(server);
    },
  };
}
