import type { OperationInfo } from '@dvc-kit/spec';

interface Route {
  operation: OperationInfo;
  method: string;
  pattern: RegExp | undefined;
  literal: string | undefined;
  names: string[];
}

export type RouteMatch =
  | { kind: 'found'; operation: OperationInfo; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/**
 * Routes method + path to an operation of the document, from its path templates
 * (`/v1/dossiers/{MaHoSo}`). Literal paths are looked up in a map; templates are tried
 * in document order, literal segments before parameters.
 */
export class Router {
  private readonly literals = new Map<string, Route[]>();
  private readonly templates: Route[] = [];

  constructor(operations: readonly OperationInfo[]) {
    for (const operation of operations) {
      const names: string[] = [];
      const method = operation.method.toUpperCase();
      if (!operation.path.includes('{')) {
        const list = this.literals.get(operation.path) ?? [];
        list.push({ operation, method, pattern: undefined, literal: operation.path, names });
        this.literals.set(operation.path, list);
        continue;
      }
      const source = operation.path
        .split('/')
        .map((segment) => {
          const m = /^\{([^}]+)\}$/.exec(segment);
          if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(m[1]!);
          return '([^/]+)';
        })
        .join('/');
      this.templates.push({ operation, method, pattern: new RegExp(`^${source}$`), literal: undefined, names });
    }
  }

  match(method: string, path: string): RouteMatch {
    const upper = method.toUpperCase();
    const lookup = upper === 'HEAD' ? 'GET' : upper;
    const literal = this.literals.get(path);
    if (literal) {
      const route = literal.find((r) => r.method === lookup);
      if (route) return { kind: 'found', operation: route.operation, params: {} };
      return { kind: 'method-not-allowed', allowed: literal.map((r) => r.method) };
    }
    const allowed: string[] = [];
    for (const route of this.templates) {
      const m = route.pattern!.exec(path);
      if (!m) continue;
      if (route.method !== lookup) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (let i = 0; i < route.names.length; i++) {
        try {
          params[route.names[i]!] = decodeURIComponent(m[i + 1]!);
        } catch {
          params[route.names[i]!] = m[i + 1]!;
        }
      }
      return { kind: 'found', operation: route.operation, params };
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}
