import { AppError, toErrorEnvelope } from '../common/errors.ts';
import { schemaIssueWords } from '../common/schema-words.ts';
import { isMethodName, methods, type Envelope, type MethodName, type ParsedParamsOf, type ResultOf } from '../../src-preload/contract.ts';

export type ApiHandlers = { [M in MethodName]: (params: ParsedParamsOf<M>) => Promise<ResultOf<M>> };

export type Dispatch = (method: unknown, params: unknown) => Promise<Envelope<unknown>>;

/**
 * The boundary every adapter (IPC, HTTP) goes through: unknown method names and params that fail their schema are
 * rejected before any core code runs; every outcome is an envelope, so typed errors survive the bridge.
 */
export function createDispatch(handlers: ApiHandlers): Dispatch {
  return async (method, params) => {
    try {
      if (!isMethodName(method)) throw new AppError('invalid_input', `Unknown method ${JSON.stringify(method)}.`);
      const parsed = methods[method].params.safeParse(params ?? {});
      if (!parsed.success) {
        throw new AppError('invalid_input', `Invalid parameters for ${method}.`, {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: schemaIssueWords(i) })),
        });
      }
      const handler = handlers[method] as (p: unknown) => Promise<unknown>;
      return { result: await handler(parsed.data) };
    } catch (err) {
      return { error: toErrorEnvelope(err) };
    }
  };
}
