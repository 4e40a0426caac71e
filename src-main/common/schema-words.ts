import type { z } from 'zod';

/**
 * One schema finding in the pilot's words, the same over IPC, HTTP and the CLI: a value outside its choices reads
 * "expected docker or nodeodm", not zod's quoted union.
 */
export function schemaIssueWords(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_value' ? `expected ${oneOf(issue.values.map(String))}` : issue.message;
}

function oneOf(values: string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}
