import { describe, expect, it } from 'vitest';
import { closest, editDistance, formatPath } from '../../../agent/config/problems.js';

describe('problem wording helpers', () => {
  it('edit distance counts inserts, deletes and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('logLevl', 'logLevel')).toBe(1);
    expect(editDistance('abc', '')).toBe(3);
  });

  it('suggests a close key, a differently cased or separated one, or a shortened one; nothing for a stranger', () => {
    const keys = ['batchSize', 'maxInflightBatches', 'ackTimeoutSeconds'];
    expect(closest('batchsize', keys)).toBe('batchSize');
    expect(closest('batch_size', keys)).toBe('batchSize');
    expect(closest('bachSize', keys)).toBe('batchSize');
    expect(closest('ackTimeout', keys)).toBe('ackTimeoutSeconds');
    expect(closest('colour', keys)).toBeUndefined();
    expect(closest('x', keys)).toBeUndefined();
  });

  it('formats paths like the YAML reads', () => {
    expect(formatPath(['terminals', 1, 'clock', 'maxDriftSeconds'])).toBe('terminals[1].clock.maxDriftSeconds');
    expect(formatPath([])).toBe('(top level)');
  });
});
