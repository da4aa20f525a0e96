/**
 * Handler wrapping: an exception in a handler is logged and answered with an error response
 * (requests) or swallowed (notifications); the process never dies from a handler.
 */
import { ResponseError, ErrorCodes } from 'vscode-languageserver';

export interface Logger {
  error(message: string): void;
  log?(message: string): void;
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.stack ?? e.message;
  return String(e);
}

/** Wraps a request handler: ResponseErrors pass through, anything else becomes InternalError. */
export function safeRequest<P extends unknown[], R>(
  logger: Logger,
  name: string,
  fn: (...args: P) => R | Promise<R>,
): (...args: P) => Promise<R | ResponseError<void>> {
  return async (...args: P) => {
    try {
      return await fn(...args);
    } catch (e) {
      if (e instanceof ResponseError) return e as ResponseError<void>;
      logger.error(`[apim-vnet] ${name} failed: ${describe(e)}`);
      return new ResponseError<void>(ErrorCodes.InternalError, `${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}

/** Wraps a notification handler. */
export function safeNotification<P extends unknown[]>(
  logger: Logger,
  name: string,
  fn: (...args: P) => void | Promise<void>,
): (...args: P) => void {
  return (...args: P) => {
    try {
      const r = fn(...args);
      if (r && typeof (r as Promise<void>).catch === 'function') {
        (r as Promise<void>).catch((e) => logger.error(`[apim-vnet] ${name} failed: ${describe(e)}`));
      }
    } catch (e) {
      logger.error(`[apim-vnet] ${name} failed: ${describe(e)}`);
    }
  };
}

export function invalidParams(message: string): ResponseError<void> {
  return new ResponseError<void>(ErrorCodes.InvalidParams, message);
}
