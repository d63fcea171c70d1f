/** What the client tells a logger. URLs, headers and bodies are already redacted. */
export type ClientLogEvent =
  | {
      type: 'request';
      operationId: string;
      method: string;
      url: string;
      requestId: string;
      attempt: number;
      headers: Record<string, string | string[]>;
      /** Present only with `logBodies: true`; secrets and personal data replaced. */
      body?: unknown;
    }
  | {
      type: 'response';
      operationId: string;
      method: string;
      url: string;
      requestId: string;
      attempt: number;
      status: number;
      durationMs: number;
      body?: unknown;
    }
  | {
      type: 'retry';
      operationId: string;
      method: string;
      url: string;
      requestId: string;
      attempt: number;
      delayMs: number;
      reason: string;
    }
  | {
      type: 'error';
      operationId: string;
      method: string;
      url: string;
      requestId: string;
      attempt: number;
      code: string;
      message: string;
    };

/** A logging hook: called synchronously for each event; exceptions it throws are ignored. */
export type ClientLogger = (event: ClientLogEvent) => void;

export function emit(logger: ClientLogger | undefined, event: ClientLogEvent): void {
  if (!logger) return;
  try {
    logger(event);
  } catch {
    // a broken logger must not break the call it observes
  }
}
