import { describe, expect, it } from 'vitest';
import { contains, overlaps, parseCidr, parseIpv4 } from '../../generator/units/cidr.js';

describe('IPv4 networks', () => {
  it('parses addresses and rejects octets above 255 or missing parts', () => {
    expect(parseIpv4('192.168.1.100')).toBe(((192 * 256 + 168) * 256 + 1) * 256 + 100);
    expect(parseIpv4('0.0.0.0')).toBe(0);
    for (const bad of ['192.168.1.256', '192.168.1', '1.2.3.4.5', '1.2.3.x', '']) expect(parseIpv4(bad), bad).toBeUndefined();
  });

  it('parses CIDRs and rejects host bits, prefixes above 32 and junk', () => {
    expect(parseCidr('10.42.0.0/16')).toEqual({ base: parseIpv4('10.42.0.0'), prefix: 16 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ base: 0, prefix: 0 });
    expect(parseCidr('192.168.1.7/32')).toEqual({ base: parseIpv4('192.168.1.7'), prefix: 32 });
    for (const bad of ['10.42.1.0/16', '10.42.0.0/33', '10.42.0.0', '10.42.0.0/16/1', '300.0.0.0/8']) expect(parseCidr(bad), bad).toBeUndefined();
  });

  it('knows containment at the edges and overlap either way', () => {
    const pods = parseCidr('10.42.0.0/16')!;
    expect(contains(pods, parseIpv4('10.42.0.0')!)).toBe(true);
    expect(contains(pods, parseIpv4('10.42.255.255')!)).toBe(true);
    expect(contains(pods, parseIpv4('10.43.0.0')!)).toBe(false);
    expect(overlaps(pods, parseCidr('10.43.0.0/16')!)).toBe(false);
    expect(overlaps(pods, parseCidr('10.42.128.0/17')!)).toBe(true);
    expect(overlaps(parseCidr('10.0.0.0/8')!, pods)).toBe(true);
  });
});
