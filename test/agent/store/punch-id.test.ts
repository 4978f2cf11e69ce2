import { describe, expect, it } from 'vitest';
import { punchId, recordFingerprint } from '../../../agent/store/punch-id.js';

describe('punchId', () => {
  it('is stable, starts with the wall-clock time and sorts by it', () => {
    const a = punchId('SN1', '1001', '2026-11-23T08:59:01', 0);
    expect(a).toBe(punchId('SN1', '1001', '2026-11-23T08:59:01', 0));
    expect(a).toMatch(/^20261123085901-[A-Za-z0-9_-]{16}$/);
    expect(punchId('SN1', '1001', '2026-11-23T08:59:02', 0) > a).toBe(true);
  });

  it('keeps the ids already issued: time digits, then the first 16 base64url characters of SHA-256', () => {
    // Ids are compared across agent versions (an outbox written by an older agent, the hub's store).
    expect(punchId('SN1', '1001', '2026-11-23T08:59:01', 0)).toBe('20261123085901-jqMlmzQ4NitrrMQt');
    expect(punchId('SN1', '10', '2026', 0)).toMatch(/^2026-[A-Za-z0-9_-]{16}$/);
  });

  it('differs for every field it covers', () => {
    const base = punchId('SN1', '1001', '2026-11-23T08:59:01', 0);
    expect(punchId('SN2', '1001', '2026-11-23T08:59:01', 0)).not.toBe(base);
    expect(punchId('SN1', '1002', '2026-11-23T08:59:01', 0)).not.toBe(base);
    expect(punchId('SN1', '1001', '2026-11-23T08:59:01', 1)).not.toBe(base);
    // Field boundaries are unambiguous: "1" + "01..." is not "10" + "1...".
    expect(punchId('SN1', '10', '2026', 0)).not.toBe(punchId('SN11', '0', '2026', 0));
  });

  it('fingerprints records by user, raw time, state and verify', () => {
    const f = recordFingerprint('1001', 0x2368b36b, 0, 1);
    expect(f).toHaveLength(22);
    expect(recordFingerprint('1001', 0x2368b36b, 0, 15)).not.toBe(f);
  });
});
