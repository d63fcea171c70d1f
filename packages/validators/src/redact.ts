/** How much of a value may be shown back in an error. */
export type Sensitivity = 'public' | 'personal';

const MAX_SHOWN = 64;

/**
 * Masks personal data for `received`: keeps the first 3 and last 2 characters of an
 * identifier-sized value so a person can still recognise which record it was
 * (`038095000123` → `038*******23`), and hides longer free text entirely.
 */
export function redactPersonal(value: string): string {
  const chars = Array.from(value);
  if (chars.length <= 5) return '*'.repeat(chars.length);
  if (chars.length > 20) return `[${chars.length} ký tự / characters]`;
  return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 5) + chars.slice(-2).join('');
}

/** A short, safe description of any received value for an error message. */
export function describeReceived(value: unknown, sensitivity: Sensitivity = 'public'): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array(${value.length})`;
  switch (typeof value) {
    case 'string': {
      if (sensitivity === 'personal') return JSON.stringify(redactPersonal(value));
      const chars = Array.from(value);
      return chars.length > MAX_SHOWN
        ? JSON.stringify(`${chars.slice(0, MAX_SHOWN).join('')}…`) + ` (${chars.length})`
        : JSON.stringify(value);
    }
    case 'number':
      return sensitivity === 'personal' ? 'number' : String(value);
    case 'boolean':
      return String(value);
    case 'object':
      return 'object';
    case 'undefined':
      return 'undefined';
    default:
      return typeof value;
  }
}
