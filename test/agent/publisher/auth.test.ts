import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AuthenticateError } from 'aedes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentError } from '../../../agent/errors.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../helpers/broker.js';
import { tempDir } from '../../helpers/temp.js';
import { Rig } from './harness.js';

const USERS: Record<string, string> = { agent: 'agent-secret', hub: 'hub-secret' };

/** aedes hook: only the users above, with their passwords; anything else is CONNACK 4. */
function authenticate(_client: unknown, username: string | undefined, password: Buffer | undefined, done: (err: AuthenticateError | null, ok: boolean | null) => void): void {
  if (username !== undefined && USERS[username] !== undefined && password?.toString() === USERS[username]) {
    done(null, true);
    return;
  }
  done(Object.assign(new Error('bad user name or password'), { returnCode: 4 }) as AuthenticateError, false);
}

function handleFor(b: EmbeddedBroker, url = b.url) {
  return { url, external: false, embedded: b, close: () => b.close() };
}

function openssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('publisher with broker credentials (embedded aedes)', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it.each([
    ['a wrong password', { username: 'agent', password: 'guess' }],
    ['no credentials', {}],
    ['an unknown user', { username: 'mallory', password: 'agent-secret' }],
  ])('fails start() with a clear AgentError and delivers nothing with %s', async (_label, credentials) => {
    const broker = await startEmbeddedBroker({ authenticate });
    rig = new Rig(handleFor(broker));
    const hub = await rig.startHub({ username: 'hub', password: 'hub-secret' });
    rig.insert(0, 20);
    const pub = rig.publisher({ broker: { url: rig.url, ...credentials } });
    const failure = await pub.start().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(AgentError);
    expect(failure).toMatchObject({ code: 'BROKER', message: expect.stringMatching(/refused the connection: bad user name or password/) });
    expect(pub.stats()).toMatchObject({ connected: false, connects: 0, sentBatches: 0 });
    expect(pub.stats().lastError).toMatch(/bad user name or password/);
    expect(rig.outbox.backlog()).toBe(20);
    expect(hub.batches).toBe(0);
    await pub.stop();
  });

  it('delivers with the right user name and password', async () => {
    const broker = await startEmbeddedBroker({ authenticate });
    rig = new Rig(handleFor(broker));
    const hub = await rig.startHub({ username: 'hub', password: 'hub-secret' });
    rig.insert(0, 20);
    const pub = rig.publisher({ broker: { url: rig.url, username: 'agent', password: 'agent-secret' } });
    await pub.start();
    expect(pub.stats().connected).toBe(true);
    await expect.poll(() => rig!.outbox.backlog(), { timeout: 15_000 }).toBe(0);
    expect(hub.count()).toBe(20);
  });
});

describe.skipIf(!openssl())('publisher over TLS (embedded aedes, self-signed certificate from openssl)', () => {
  const dir = tempDir('publisher-tls-');
  let key = '';
  let cert = '';
  let rig: Rig | undefined;
  beforeAll(() => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', dir.file('key.pem'), '-out', dir.file('cert.pem')], { stdio: 'ignore' });
    key = readFileSync(dir.file('key.pem'), 'utf8');
    cert = readFileSync(dir.file('cert.pem'), 'utf8');
  });
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });
  afterAll(() => dir.cleanup());

  it('delivers over mqtts:// when the broker certificate is trusted through `tls.ca`', async () => {
    const broker = await startEmbeddedBroker({ tls: { key, cert } });
    rig = new Rig(handleFor(broker)); // the hub uses the plain listener of the same broker
    const hub = await rig.startHub();
    rig.insert(0, 30);
    const pub = rig.publisher({ broker: { url: broker.tlsUrl!, tls: { ca: cert } } });
    await pub.start();
    expect(pub.stats().connected).toBe(true);
    await expect.poll(() => rig!.outbox.backlog(), { timeout: 15_000 }).toBe(0);
    expect(hub.count()).toBe(30);
  });

  it('refuses an untrusted broker certificate with a clear AgentError', async () => {
    const broker = await startEmbeddedBroker({ tls: { key, cert } });
    rig = new Rig(handleFor(broker));
    rig.insert(0, 5);
    const pub = rig.publisher({ broker: { url: broker.tlsUrl! } });
    const failure = await pub.start().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(AgentError);
    expect(failure).toMatchObject({ code: 'BROKER', message: expect.stringMatching(/TLS .* failed/) });
    expect(pub.stats().connects).toBe(0);
    expect(rig.outbox.backlog()).toBe(5);
    await pub.stop();
  });
});
