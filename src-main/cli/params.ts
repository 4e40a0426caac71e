import { methods, type MethodName, type ParsedParamsOf } from '../../src-preload/contract.ts';
import { UsageError } from './command.ts';

/**
 * A command's flags as the params of the contract method it stands for, checked by that method's schema: the same
 * check IPC and HTTP run (api/dispatch.ts), so a bad flag gets the schema's words. `flags` names the flag (or
 * argument) each param came from, for the message. Undefined values are left out (an option not given).
 */
export function cliParams<M extends MethodName>(method: M, params: Record<string, unknown>, flags: Record<string, string> = {}): ParsedParamsOf<M> {
  const given = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  const parsed = methods[method].params.safeParse(given);
  if (parsed.success) return parsed.data as ParsedParamsOf<M>;
  const words = parsed.error.issues.map((i) => {
    const key = String(i.path[0] ?? '');
    const name = flags[key] ?? (key ? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'options');
    return `${name}: ${i.code === 'invalid_value' ? `expected ${oneOf(i.values.map(String))}` : i.message}`;
  });
  throw new UsageError(words.join('; '));
}

/** "docker or nodeodm", "wpml, kml or geojson": a choice as a pilot reads it, not as zod prints it. */
function oneOf(values: string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}
