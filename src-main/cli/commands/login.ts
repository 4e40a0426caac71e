import { ACCESS_ENV, envTokens, REFRESH_ENV, type DronetmTokens } from '../../dronetm/auth.ts';
import { DronetmClient } from '../../dronetm/client.ts';
import { requireString, UsageError, type CliIo, type Command } from '../command.ts';
import { loginSpec } from './specs.js';

async function readStdinLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

const shellQuote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;

function exportLines(tokens: DronetmTokens): string {
  const lines = [`export ${ACCESS_ENV}=${shellQuote(tokens.accessToken)}`];
  if (tokens.refreshToken) lines.push(`export ${REFRESH_ENV}=${shellQuote(tokens.refreshToken)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `postflight login --dronetm <url>`: signs in to DroneTM (e-mail and password, or a token from its website) and
 * prints the environment lines the other commands read (`eval "$(postflight login ...)"`). Nothing is written to
 * disk: the CLI keeps tokens only in the environment; the app keeps them in the OS keychain.
 */
export const loginCommand: Command = {
  ...loginSpec,
  async run(args, io: CliIo): Promise<number> {
    const server = requireString(args, 'dronetm');
    if (typeof args.values.token === 'string') {
      const store = envTokens({ [ACCESS_ENV]: args.values.token });
      const client = new DronetmClient(server, { tokens: store });
      const me = await client.whoAmI();
      io.stderr.write(`Token accepted by DroneTM at ${client.api}${me.email ? ` (${me.email})` : ''}.\n`);
      io.stdout.write(exportLines((await store.get(client.api))!));
      return 0;
    }
    const email = requireString(args, 'email');
    const password = args.values['password-stdin'] ? await readStdinLine() : io.env.DRONETM_PASSWORD;
    if (!password) throw new UsageError('give the password on standard input with --password-stdin, or in DRONETM_PASSWORD');
    const store = envTokens({});
    const client = new DronetmClient(server, { tokens: store });
    const tokens = await client.login(email, password);
    io.stderr.write(`Signed in to DroneTM at ${client.api} as ${email}. Run this command inside eval "$(...)" to use the token.\n`);
    io.stdout.write(exportLines(tokens));
    return 0;
  },
};
