import { methods, type MethodName, type ParsedParamsOf } from '../../src-preload/contract.ts';
import { schemaIssueWords } from '../common/schema-words.ts';
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
    return `${name}: ${schemaIssueWords(i)}`;
  });
  throw new UsageError(words.join('; '));
}

