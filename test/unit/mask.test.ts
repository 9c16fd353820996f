import { describe, expect, it } from 'vitest';
import {
  maskBankAccount,
  maskDeep,
  maskIdNumber,
  maskName,
  maskPhone,
  maskText,
} from '../../privacy/mask.js';
import { findIdNumbers } from '../support/log-scan.js';

describe('the masking rule', () => {
  it('keeps the first 6 and last 4 of an ID number, never the birth date', () => {
    expect(maskIdNumber('330106199203150027')).toBe('330106********0027');
    expect(maskIdNumber('330106199203150027')).not.toContain('19920315');
  });

  it('masks phones, accounts and names', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskBankAccount('6222021202041234567')).toBe('6222***********4567');
    expect(maskName('王小明')).toBe('王**');
    expect(maskName('李')).toBe('*');
  });

  it('masks fields by name at any depth, and free text by pattern', () => {
    const masked = maskDeep({
      applicant: { name: '李娜', idNumber: '330106199203150027', phone: '13800138000' },
      form: { bankAccount: '622202120204', mother: { name: '李娜' }, note: 'call 13800138000' },
      steps: [{ outputs: { citizenIdNumber: '330106202611202572', cardNumber: 'CARD-1' } }],
      count: 3,
    });
    expect(masked).toEqual({
      applicant: { name: '李*', idNumber: '330106********0027', phone: '138****8000' },
      form: { bankAccount: '6222****0204', mother: { name: '李*' }, note: 'call 138****8000' },
      steps: [{ outputs: { citizenIdNumber: '330106********2572', cardNumber: 'CARD-1' } }],
      count: 3,
    });
  });

  it('leaves timestamps and short numbers in text readable', () => {
    expect(maskText('took 1795807091094 ms over 42 tries')).toBe('took 1795807091094 ms over 42 tries');
    expect(maskText('id 11010519491231002x.')).toBe('id 110105********002x.');
  });
});

describe('the log scan', () => {
  it('finds valid ID numbers in clear and reports them masked, ignoring masked ones and look-alikes', () => {
    const text = '{"id":"330106199203150027"} {"id":"330106********0027"} 330106199203150028 1795807091094';
    expect(findIdNumbers(text)).toEqual(['330106********0027']);
  });
});
