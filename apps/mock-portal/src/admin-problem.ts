import type { PortalResponse } from './types.js';

/** The problem+json body of every refused admin call (`type` names the code under mock-admin/). */
export function adminProblemBody(status: number, code: string, detail: string): { type: string; title: string; status: number; detail: string; code: string } {
  return { type: `https://dvc-kit.dev/problems/mock-admin/${code}`, title: 'Admin request refused', status, detail, code };
}

/** A refused admin call, answered as problem+json (with `headers`, e.g. a Bearer challenge). */
export function adminProblem(status: number, code: string, detail: string, headers: Record<string, string> = {}): PortalResponse {
  return { status, headers: { 'content-type': 'application/problem+json', ...headers }, body: JSON.stringify(adminProblemBody(status, code, detail)) };
}
