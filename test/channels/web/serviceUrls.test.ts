import { describe, expect, it } from 'vitest';
import { defaultServiceUrlHosts, isLoopbackAddress, serviceUrlAllowed } from '../../../src/channels/web/serviceUrls.ts';

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
});
