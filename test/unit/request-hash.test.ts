import { describe, expect, it } from 'vitest';
import { requestHash } from '../../api/request-hash.js';

const body = {
  bundleId: 'newborn',
  applicant: { name: '李娜', phone: '13800138000' },
  form: { baby: { name: '王小明', sex: 'male' }, tags: ['a', 'b'] },
};

describe('requestHash', () => {
  it('is a SHA-256 hex digest, the same for the same body', () => {
    expect(requestHash(body)).toMatch(/^[0-9a-f]{64}$/);
    expect(requestHash(body)).toBe(requestHash(structuredClone(body)));
  });

  it('does not depend on key order, at any depth', () => {
    const reordered = {
      form: { tags: ['a', 'b'], baby: { sex: 'male', name: '王小明' } },
      applicant: { phone: '13800138000', name: '李娜' },
      bundleId: 'newborn',
    };

    expect(requestHash(reordered)).toBe(requestHash(body));
  });

  it('differs when a value differs, at any depth', () => {
    const hash = requestHash(body);

    expect(requestHash({ ...body, bundleId: 'after-death' })).not.toBe(hash);
    expect(
      requestHash({ ...body, form: { ...body.form, baby: { name: '王小明', sex: 'female' } } }),
    ).not.toBe(hash);
    expect(requestHash({ ...body, form: { ...body.form, extra: null } })).not.toBe(hash);
  });

  it('tells values of different types apart', () => {
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: '1' }));
    expect(requestHash({ a: null })).not.toBe(requestHash({ a: 'null' }));
    expect(requestHash({ a: [] })).not.toBe(requestHash({ a: {} }));
  });

  it('ignores properties whose value is undefined, as JSON does', () => {
    expect(requestHash({ ...body, note: undefined })).toBe(requestHash(body));
    expect(requestHash({ a: { b: 1, c: undefined } })).toBe(requestHash({ a: { b: 1 } }));
  });

  it('keeps array order', () => {
    expect(requestHash({ tags: ['a', 'b'] })).not.toBe(requestHash({ tags: ['b', 'a'] }));
  });

  it('does not confuse a key containing separators with nested keys', () => {
    expect(requestHash({ 'a:1,b': 2 })).not.toBe(requestHash({ a: 1, b: 2 }));
  });
});
