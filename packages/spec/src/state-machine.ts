import { nationalPortalDocument } from './generated/documents.js';
import type { DossierStatus } from './types.js';

interface StatusSchema {
  enum: DossierStatus[];
  'x-enum-descriptions': Record<DossierStatus, { vi: string; en: string }>;
  'x-state-machine': {
    initial: DossierStatus[];
    terminal: DossierStatus[];
    completed: DossierStatus[];
    transitions: Record<DossierStatus, DossierStatus[]>;
  };
}

const schema = nationalPortalDocument.components.schemas!.DossierStatus as StatusSchema;

/**
 * The dossier lifecycle (`TrangThaiHoSo`) as the spec defines it: statuses, their labels,
 * and the allowed transitions. Read from the document, so the spec stays the one source.
 */
export const dossierStateMachine = Object.freeze({
  statuses: Object.freeze([...schema.enum]),
  labels: Object.freeze({ ...schema['x-enum-descriptions'] }),
  initial: Object.freeze([...schema['x-state-machine'].initial]),
  terminal: Object.freeze([...schema['x-state-machine'].terminal]),
  completed: Object.freeze([...schema['x-state-machine'].completed]),
  transitions: Object.freeze({ ...schema['x-state-machine'].transitions }),
});

/** Whether `status` is one of the ten codes. */
export function isDossierStatus(status: unknown): status is DossierStatus {
  return typeof status === 'string' && (dossierStateMachine.statuses as readonly string[]).includes(status);
}

/**
 * Whether a dossier may move from `from` to `to`. `from` undefined means a new dossier,
 * which must start at an initial status. Staying at the same status is not a transition.
 */
export function isLegalTransition(from: DossierStatus | undefined, to: DossierStatus): boolean {
  if (from === undefined) return dossierStateMachine.initial.includes(to);
  return dossierStateMachine.transitions[from]?.includes(to) ?? false;
}

/** Whether no transition leaves `status`. */
export function isTerminalStatus(status: DossierStatus): boolean {
  return dossierStateMachine.terminal.includes(status);
}

/** Whether processing is done (9 or 10): what the public lookup calls completed. */
export function isCompletedStatus(status: DossierStatus): boolean {
  return dossierStateMachine.completed.includes(status);
}
