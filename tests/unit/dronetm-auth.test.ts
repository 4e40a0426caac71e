import { describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/common/errors.ts';
import { envTokens, needsRefresh, tokenExpiry } from '../../src-main/dronetm/auth.ts';
import { apiRoot } from '../../src-main/dronetm/client.ts';

const jwt = (claims: Record<string, unknown>): string =>
  `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('DroneTM addresses', () => {
  it('takes the site or its API root, and refuses credentials or a query in the URL', () => {
    expect(apiRoot('https://dronetm.hotosm.org')).toBe('https://dronetm.hotosm.org/api');
    expect(apiRoot('https://dronetm.hotosm.org/')).toBe('https://dronetm.hotosm.org/api');
    expect(apiRoot('https://example.org/dtm/api/')).toBe('https://example.org/dtm/api');
    for (const bad of ['dronetm.hotosm.org', 'ftp://x.org', 'https://me:pw@x.org', 'https://x.org/?token=1']) {
      expect(() => apiRoot(bad), bad).toThrow(AppError);
    }
  });
});

describe('DroneTM tokens', () => {
  it("reads a JWT's expiry and refreshes a minute before it", () => {
    const now = Math.floor(Date.now() / 1000);
    expect(tokenExpiry(jwt({ exp: now + 3600 }))).toBe(now + 3600);
    expect(needsRefresh(jwt({ exp: now + 3600 }))).toBe(false);
    expect(needsRefresh(jwt({ exp: now + 30 }))).toBe(true);
    expect(needsRefresh(jwt({ exp: now - 1 }), 0)).toBe(true);
    // Not a readable JWT: the server decides (a 401 then triggers the refresh).
    expect(tokenExpiry('opaque')).toBeNull();
    expect(needsRefresh('opaque')).toBe(false);
  });

  it('the CLI store reads the environment and keeps a refreshed token in memory only', async () => {
    const env = { DRONETM_ACCESS_TOKEN: 'a', DRONETM_REFRESH_TOKEN: 'r' };
    const store = envTokens(env);
    expect(await store.get('s')).toEqual({ accessToken: 'a', refreshToken: 'r' });
    await store.set('s', { accessToken: 'b', refreshToken: 'r2' });
    expect(await store.get('s')).toEqual({ accessToken: 'b', refreshToken: 'r2' });
    expect(env).toEqual({ DRONETM_ACCESS_TOKEN: 'a', DRONETM_REFRESH_TOKEN: 'r' });
    expect(await envTokens({}).get('s')).toBeNull();
  });
});
