import { describe, expect, it } from 'vitest';
import { grantPatternOf, sitePatternFor } from '../../src/shared/sites.js';

describe('sitePatternFor', () => {
  it('assumes https for a bare host name', () => {
    expect(sitePatternFor('ehr.example.be')).toEqual({ ok: true, origin: 'https://ehr.example.be', pattern: 'https://ehr.example.be/*' });
  });

  it('trims surrounding spaces', () => {
    expect(sitePatternFor('  ehr.example.be  ')).toEqual({ ok: true, origin: 'https://ehr.example.be', pattern: 'https://ehr.example.be/*' });
  });

  it('drops the port and path from the pattern but keeps the port in the origin', () => {
    expect(sitePatternFor('https://ehr.example.be:8443/app')).toEqual({
      ok: true,
      origin: 'https://ehr.example.be:8443',
      pattern: 'https://ehr.example.be/*',
    });
  });

  it('lower-cases the host name', () => {
    expect(sitePatternFor('HTTPS://EHR.Example.BE/')).toEqual({ ok: true, origin: 'https://ehr.example.be', pattern: 'https://ehr.example.be/*' });
  });

  it('accepts http on the loopback', () => {
    expect(sitePatternFor('http://localhost:5173')).toEqual({ ok: true, origin: 'http://localhost:5173', pattern: 'http://localhost/*' });
    expect(sitePatternFor('http://127.0.0.1:8080/x')).toEqual({ ok: true, origin: 'http://127.0.0.1:8080', pattern: 'http://127.0.0.1/*' });
  });

  it('refuses plain http elsewhere and other schemes as insecure', () => {
    expect(sitePatternFor('http://ehr.example.be')).toEqual({ ok: false, reason: 'insecure' });
    expect(sitePatternFor('ftp://x')).toEqual({ ok: false, reason: 'insecure' });
    expect(sitePatternFor('http://localhost.evil.example')).toEqual({ ok: false, reason: 'insecure' });
  });

  it('refuses empty and unparsable input as invalid', () => {
    expect(sitePatternFor('')).toEqual({ ok: false, reason: 'invalid' });
    expect(sitePatternFor('   ')).toEqual({ ok: false, reason: 'invalid' });
    expect(sitePatternFor('https://')).toEqual({ ok: false, reason: 'invalid' });
    expect(sitePatternFor(`${'a'.repeat(2040)}.example.be`)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses credentials in the URL as invalid', () => {
    expect(sitePatternFor('https://user:secret@ehr.example.be')).toEqual({ ok: false, reason: 'invalid' });
    expect(sitePatternFor('https://user@ehr.example.be')).toEqual({ ok: false, reason: 'invalid' });
    expect(sitePatternFor('user@ehr.example.be')).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('grantPatternOf', () => {
  it('asks about an origin with a port in the form its site was granted (Firefox answers permissions.contains false for a pattern with a port)', () => {
    expect(grantPatternOf(new URL('http://127.0.0.1:40673'))).toBe('http://127.0.0.1/*');
    for (const origin of ['https://ehr.example.be', 'https://ehr.example.be:8443', 'http://localhost:5173']) {
      const granted = sitePatternFor(origin);
      expect(granted.ok && granted.pattern).toBe(grantPatternOf(new URL(origin)));
    }
  });
});
