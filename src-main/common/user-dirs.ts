import os from 'node:os';
import path from 'node:path';

/**
 * Where the CLI and the browser harness keep per-user state (the recent projects list). The Electron app uses its
 * own userData folder instead. POSTFLIGHT_STATE_DIR overrides it (tests point it at a temp folder).
 */
export function userStateFile(name: string): string {
  const base =
    process.env.POSTFLIGHT_STATE_DIR ??
    (process.env.XDG_STATE_HOME ? path.join(process.env.XDG_STATE_HOME, 'postflight') : path.join(os.homedir(), '.local', 'state', 'postflight'));
  return path.join(base, name);
}
