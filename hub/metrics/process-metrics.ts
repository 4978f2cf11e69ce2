import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { MetricFamily } from './exposition.js';

/** How often the event loop's delay is sampled (Node's default). */
const RESOLUTION_MS = 10;

let loopDelay: IntervalHistogram | undefined;

/**
 * The process's own families, under the names every Prometheus client library gives them
 * (`process_*`, `nodejs_*`), so stock dashboards and alerts read them unchanged.
 *
 * Event loop lag comes from a delay histogram started at the first collection (one libuv timer
 * that does not keep the process alive) and reset at each: it covers the time since the previous
 * collection, and the first one has none. Node's histogram counts the sampling interval in each
 * delay; it is taken off, so an idle loop reads 0.
 */
export function processFamilies(): MetricFamily[] {
  const families: MetricFamily[] = [
    { name: 'process_resident_memory_bytes', type: 'gauge', help: 'Resident memory size in bytes.', samples: [{ value: process.memoryUsage.rss() }] },
    { name: 'process_start_time_seconds', type: 'gauge', help: 'Start time of the process since the Unix epoch in seconds.', samples: [{ value: Math.round(performance.timeOrigin) / 1000 }] },
    { name: 'process_cpu_seconds_total', type: 'counter', help: 'Total user and system CPU time spent in seconds.', samples: [{ value: cpuSeconds() }] },
    { name: 'nodejs_version_info', type: 'gauge', help: 'Node.js version info.', samples: [{ labels: versionLabels(), value: 1 }] },
  ];
  if (loopDelay === undefined) {
    loopDelay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    loopDelay.enable();
    return families;
  }
  const h = loopDelay;
  if (h.count > 0) {
    const lag = (ns: number): number => Math.max(0, ns / 1e9 - RESOLUTION_MS / 1000);
    families.push(
      { name: 'nodejs_eventloop_lag_mean_seconds', type: 'gauge', help: 'Mean event loop lag since the previous collection, in seconds.', samples: [{ value: lag(h.mean) }] },
      { name: 'nodejs_eventloop_lag_p99_seconds', type: 'gauge', help: '99th percentile of event loop lag since the previous collection, in seconds.', samples: [{ value: lag(h.percentile(99)) }] },
      { name: 'nodejs_eventloop_lag_max_seconds', type: 'gauge', help: 'Longest event loop lag since the previous collection, in seconds.', samples: [{ value: lag(h.max) }] },
    );
  }
  h.reset();
  return families;
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function versionLabels(): Record<string, string> {
  const [major = '', minor = '', patch = ''] = process.versions.node.split('.');
  return { version: process.version, major, minor, patch };
}
