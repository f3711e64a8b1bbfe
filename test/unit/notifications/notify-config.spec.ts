import { ConfigError, loadConfig } from '../../../src/config/app-config';

describe('notification delivery settings', () => {
  it('default to 6 attempts and a 2 s base delay', () => {
    const c = loadConfig({});
    expect([c.NOTIFY_MAX_ATTEMPTS, c.NOTIFY_BACKOFF_MS]).toEqual([6, 2000]);
  });

  it('read integers from the environment', () => {
    const c = loadConfig({ NOTIFY_MAX_ATTEMPTS: '3', NOTIFY_BACKOFF_MS: '100' });
    expect([c.NOTIFY_MAX_ATTEMPTS, c.NOTIFY_BACKOFF_MS]).toEqual([3, 100]);
  });

  it.each([
    ['NOTIFY_MAX_ATTEMPTS', '0'],
    ['NOTIFY_MAX_ATTEMPTS', 'six'],
    ['NOTIFY_MAX_ATTEMPTS', '51'],
    ['NOTIFY_BACKOFF_MS', '5'],
    ['NOTIFY_BACKOFF_MS', '1.5'],
  ])('reject %s=%s with one line naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });
});
