import { describe, expect, it } from 'vitest';
import { inflightMemoryWarning, MAX_PUNCH_JSON_BYTES } from '../../agent/memory-check.js';

const MB = 2 ** 20;

describe('inflightMemoryWarning', () => {
  it('stays quiet for the default window under the deployed 64 MB heap', () => {
    expect(inflightMemoryWarning(500, 8, 64 * MB)).toBeUndefined();
    expect(inflightMemoryWarning(1000, 8, 64 * MB)).toBeUndefined();
  });

  it('names both settings and the heap limit when the window could crowd the heap', () => {
    const warning = inflightMemoryWarning(5000, 64, 64 * MB);
    expect(warning).toContain('320000 punches');
    expect(warning).toContain(`${Math.ceil((320_000 * MAX_PUNCH_JSON_BYTES) / MB)} MB in flight`);
    expect(warning).toContain('64 MB heap limit');
    expect(warning).toContain('--max-old-space-size');
  });

  it('draws the line at a quarter of the heap', () => {
    const punches = Math.floor((16 * MB) / MAX_PUNCH_JSON_BYTES);
    expect(inflightMemoryWarning(punches, 1, 64 * MB)).toBeUndefined();
    expect(inflightMemoryWarning(punches + 1, 1, 64 * MB)).toBeDefined();
  });
});
