export { TerminalPoller } from './poller.js';
export type { TerminalPollerOptions, TerminalPollerEvents, PollerStatus, PollerState } from './options.js';
export type { ReadProgressEvent } from './log-reader.js';
export type { PollerHealth } from './health.js';
export { backoffDelay, backoffCap, DEFAULT_BACKOFF, type BackoffOptions } from '../backoff.js';
export { checkClock, clockDrift, DEFAULT_CLOCK_POLICY, type ClockPolicy, type ClockCheck } from './clock-check.js';
export { clearRefusal, clearIfAllowed, DEFAULT_CLEAR_POLICY, type ClearPolicy } from './clear-policy.js';
export { createZkClient, type ClientFactoryOptions } from './client-factory.js';
export { toNewPunch, unusableReason } from './record-to-punch.js';
