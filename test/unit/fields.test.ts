import { describe, expect, it } from 'vitest';
import { citizenIdCheckDigit, citizenIdNumber, isCitizenIdNumber } from '../../schemas/fields.js';

/**
 * ISO 7064 MOD 11-2 written independently of the code under test: the weight of a digit is
 * 2^(its position counted from the right, the check digit being position 1) mod 11.
 */
function mod11_2(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** Deterministic pseudo-random 17-digit prefixes. */
function prefixes(count: number): string[] {
  let state = 20_240_305;
  const digit = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return String(state % 10);
  };
  return Array.from({ length: count }, () => Array.from({ length: 17 }, digit).join(''));
}

describe('citizenIdCheckDigit', () => {
  it('gives the check digit of known resident ID numbers', () => {
    expect(citizenIdCheckDigit('33010619920315002')).toBe('7');
    expect(citizenIdCheckDigit('33010619900708003')).toBe('3');
  });

  it('gives X when the check value is 10', () => {
    // The sample number of GB 11643-1999, and one computed for this test.
    expect(citizenIdCheckDigit('11010519491231002')).toBe('X');
    expect(citizenIdCheckDigit('33010619920315006')).toBe('X');
  });

  it('agrees with MOD 11-2 on many prefixes', () => {
    const all = prefixes(500);
    for (const first17 of all) expect(citizenIdCheckDigit(first17), first17).toBe(mod11_2(first17));
    // The sample covers every possible check digit, X included.
    expect(new Set(all.map(mod11_2)).size).toBe(11);
  });
});

describe('isCitizenIdNumber', () => {
  it('accepts valid numbers, including one ending in X', () => {
    expect(isCitizenIdNumber('330106199203150027')).toBe(true);
    expect(isCitizenIdNumber('330106199007080033')).toBe(true);
    expect(isCitizenIdNumber('11010519491231002X')).toBe(true);
    expect(isCitizenIdNumber('33010619920315006X')).toBe(true);
  });

  it('rejects a wrong check digit', () => {
    expect(isCitizenIdNumber('330106199203150028')).toBe(false);
    expect(isCitizenIdNumber('330106199203150020')).toBe(false);
    expect(isCitizenIdNumber('33010619920315002X')).toBe(false);
    expect(isCitizenIdNumber('110105194912310020')).toBe(false);
  });

  it('rejects a wrong length', () => {
    expect(isCitizenIdNumber('')).toBe(false);
    expect(isCitizenIdNumber('33010619920315002')).toBe(false);
    expect(isCitizenIdNumber('3301061992031500270')).toBe(false);
    // The old 15-digit numbers are not accepted.
    expect(isCitizenIdNumber('330106920315002')).toBe(false);
  });

  it('rejects letters other than a final X, and surrounding spaces', () => {
    expect(isCitizenIdNumber('33010619920315A027')).toBe(false);
    expect(isCitizenIdNumber('X30106199203150027')).toBe(false);
    expect(isCitizenIdNumber('11010519491231002Y')).toBe(false);
    expect(isCitizenIdNumber(' 330106199203150027')).toBe(false);
    expect(isCitizenIdNumber('330106199203150027 ')).toBe(false);
  });
});

describe('citizenIdNumber schema', () => {
  it('parses a valid number and rejects an invalid one with its message', () => {
    expect(citizenIdNumber.parse('11010519491231002X')).toBe('11010519491231002X');
    const result = citizenIdNumber.safeParse('330106199203150028');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('not a valid 18-character resident ID number');
  });
});

describe('citizenIdNumber (schema)', () => {
  it('accepts a lowercase x check character and surrounding spaces, normalised', () => {
    expect(citizenIdNumber.parse(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(citizenIdNumber.safeParse('11010519491231002Y').success).toBe(false);
  });
});
