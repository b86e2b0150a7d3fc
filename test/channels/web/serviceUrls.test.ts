import { describe, expect, it } from 'vitest';
import { addressKey, defaultServiceUrlHosts, directFromThisMachine, isLoopbackAddress, serviceUrlAllowed } from '../../../src/channels/web/serviceUrls.ts';

describe('where /api/messages may send replies', () => {
  const production = defaultServiceUrlHosts('production');

  it('in production: the Bot Framework channels and Teams, over https', () => {
    const urls = ['https://webchat.botframework.com/', 'https://europe.webchat.botframework.com/', 'https://slack.botframework.com', 'https://smba.trafficmanager.net/emea/'];
    expect(urls.filter((url) => !serviceUrlAllowed(url, production))).toEqual([]);
  });

  it('in production: nothing that only looks like them', () => {
    const urls = [
      'https://botframework.com.attacker.example/',
      'https://attackerbotframework.com/',
      'https://attacker.trafficmanager.net/',
      'http://webchat.botframework.com/',
      'https://user:pass@webchat.botframework.com/',
      'https://localhost:3978/',
      'https://webchat.botframework.com:4444/',
      'https://smba.trafficmanager.net:8443/emea/',
      'not a url',
    ];
    expect(urls.filter((url) => serviceUrlAllowed(url, production))).toEqual([]);
  });

  it('outside production: this machine only (the Emulator), http allowed there', () => {
    const local = defaultServiceUrlHosts('development');
    expect(['http://localhost:56789/', 'http://127.0.0.1:3979', 'http://[::1]:3979/'].map((u) => serviceUrlAllowed(u, local))).toEqual([true, true, true]);
    expect(['https://webchat.botframework.com/', 'http://10.0.0.5:3979/', 'http://localhost.attacker.example/'].map((u) => serviceUrlAllowed(u, local))).toEqual([false, false, false]);
  });

  it('knows a loopback caller, including IPv4 mapped into IPv6', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '203.0.113.9', '', undefined].map(isLoopbackAddress)).toEqual([false, false, false, false, false]);
  });

  it('this machine is the socket, never a header: a relayed request is not from here, whatever it claims', () => {
    const req = (remoteAddress: string, forwarded?: string) => ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } });
    expect(directFromThisMachine(req('127.0.0.1'))).toBe(true);
    expect(directFromThisMachine(req('::1'))).toBe(true);
    expect(directFromThisMachine(req('127.0.0.1', '127.0.0.1'))).toBe(false);
    expect(directFromThisMachine(req('203.0.113.9'))).toBe(false);
  });

  it('limits an IPv6 client by its /64, an IPv4 client by its address', () => {
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::99')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0DB8:0001:0002:0:0:0:1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey(undefined)).toBe('unknown');
  });
});
