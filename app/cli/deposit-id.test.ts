import { describe, expect, it } from 'vitest';
import { exhibitIdFor } from './deposit';
import { journalPath } from '../deposit/flow';

describe('exhibitIdFor', () => {
  it('keeps names written only in Chinese, so two of equal length no longer collide', () => {
    const a = exhibitIdFor('CASE-1-', '/evidence/现场照片.jpg');
    const b = exhibitIdFor('CASE-1-', '/evidence/证据照片.jpg');
    expect(a).toBe('CASE-1-现场照片.jpg');
    expect(b).toBe('CASE-1-证据照片.jpg');
    expect(journalPath('/j', a)).toBe('/j/CASE-1-现场照片.jpg.json');
  });

  it('turns white space into _ (an id is typed on command lines) and keeps the rest', () => {
    expect(exhibitIdFor('EX-', '/tmp/exhibit photo.jpg')).toBe('EX-exhibit_photo.jpg');
    expect(exhibitIdFor('EX-', '/tmp/现场 照片.jpg')).toBe('EX-现场_照片.jpg');
  });
});
