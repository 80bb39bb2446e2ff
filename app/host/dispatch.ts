// The one generic call path both adapters use (VS Code's ProxyChannel.fromService, with Signal's envelopes):
// look the method up in the contract, parse the argument with its schema, call the service, parse the result.
// Nothing reaches a service that its schema did not accept; nothing leaves that its result schema does not name.
import {
  AdapterErrorCode,
  describeZodError,
  isMethodName,
  methods,
  type Envelope,
  type MethodName,
  type Service,
} from '../contract/api';
import { errorCodeOf, HostError } from './errors';

export interface HostLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

export async function dispatch(
  service: Service,
  name: string,
  rawArgs: unknown,
  log: HostLogger,
): Promise<Envelope<unknown>> {
  if (!isMethodName(name)) {
    return fail(AdapterErrorCode.UNKNOWN_METHOD, `There is no method "${name}". Update the app so both sides match.`);
  }
  const spec = methods[name];
  const parsed = spec.args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    return fail(AdapterErrorCode.INVALID_ARGUMENT, `${name}: ${describeZodError(parsed.error)}`);
  }
  let value: unknown;
  try {
    const fn = service[name] as (args: unknown) => Promise<unknown>;
    value = await fn.call(service, parsed.data);
  } catch (err) {
    const code = errorCodeOf(err);
    if (code !== undefined && err instanceof Error) {
      log.warn(`${name} failed: ${code}: ${err.message}`);
      const params = err instanceof HostError && Object.keys(err.params).length > 0 ? err.params : undefined;
      return fail(code, err.message, params);
    }
    log.error(`${name} failed unexpectedly`, err);
    return fail(AdapterErrorCode.INTERNAL, `${name} failed because of a fault in the workstation. The log file has details.`);
  }
  const result = spec.result.safeParse(value);
  if (!result.success) {
    log.error(`${name} returned a value outside the contract: ${describeZodError(result.error)}`);
    return fail(AdapterErrorCode.INTERNAL, `${name} failed because of a fault in the workstation. The log file has details.`);
  }
  return { ok: true, value: result.data };
}

export function fail(code: string, message: string, params?: Record<string, string>): Envelope<never> {
  return { ok: false, error: params ? { code, message, params } : { code, message } };
}

export type { MethodName };
