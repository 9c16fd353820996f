/**
 * One masking rule for personal data in logs, operator views and audit entries (PIPL):
 * identity numbers keep their first 6 and last 4 characters (never the birth date, digits 7–14),
 * phone numbers their first 3 and last 4, bank accounts their first 4 and last 4, names their
 * first character.
 */

const keep = (value: string, head: number, tail: number) =>
  value.length <= head + tail
    ? '*'.repeat(value.length)
    : value.slice(0, head) + '*'.repeat(value.length - head - tail) + value.slice(-tail);

export const maskIdNumber = (value: string) => keep(value, 6, 4);
export const maskPhone = (value: string) => keep(value, 3, 4);
export const maskBankAccount = (value: string) => keep(value, 4, 4);
export const maskName = (value: string) => {
  const chars = [...value];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
};

type Kind = 'id' | 'phone' | 'bank' | 'name';

/** Which kind of personal data a field holds, by its name; undefined for anything else. */
export function personalDataKind(field: string): Kind | undefined {
  const name = field.toLowerCase();
  if (name.endsWith('idnumber') || name === 'idcard') return 'id';
  if (name.endsWith('phone') || name === 'mobile') return 'phone';
  if (name.endsWith('bankaccount') || name === 'account') return 'bank';
  if (name === 'name' || (name.endsWith('name') && !name.endsWith('filename') && !name.endsWith('username')))
    return 'name';
  return undefined;
}

const maskers: Record<Kind, (value: string) => string> = {
  id: maskIdNumber,
  phone: maskPhone,
  bank: maskBankAccount,
  name: maskName,
};

// Free text can carry personal data anywhere: an 18-character ID number, an 11-digit mobile
// number, a 16–19 digit bank card. Shorter numbers (timestamps, counts) stay readable; fields
// named as accounts are masked whatever their length.
const idPattern = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g;
const phonePattern = /(?<!\d)1\d{10}(?!\d)/g;
const accountPattern = /(?<!\d)\d{16,19}(?!\d)/g;

/** Masks personal data found in free text: log messages, error texts. */
export function maskText(text: string): string {
  return text
    .replace(idPattern, (m) => maskIdNumber(m))
    .replace(phonePattern, (m) => maskPhone(m))
    .replace(accountPattern, (m) => maskBankAccount(m));
}

const isPlainObject = (value: object): value is Record<string, unknown> => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * A copy of `value` with personal data masked: fields by their names, other strings as free
 * text. Plain objects and arrays are copied (cycles cut); errors keep their type with masked
 * message and stack; other objects (a request, a socket) are left to their log serializers.
 */
export function maskDeep<T>(value: T, field?: string, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') {
    const kind = field === undefined ? undefined : personalDataKind(field);
    return (kind ? maskers[kind](value) : maskText(value)) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]' as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item: unknown) => maskDeep(item, field, seen)) as T;
  if (value instanceof Error) {
    return { type: value.name, message: maskText(value.message), stack: maskText(value.stack ?? '') } as T;
  }
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, k, seen)])) as T;
}
