import client from 'prom-client';

/** Process metrics plus the engine's own; served as Prometheus text on /metrics. */
export const registry = client.register;

let defaultsOn = false;
export function collectProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  client.collectDefaultMetrics({ register: registry });
}

function once<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export const turnLatency = once(
  'anchorline_turn_duration_seconds',
  () =>
    new client.Histogram({
      name: 'anchorline_turn_duration_seconds',
      help: 'Time from inbound message to stored replies',
      labelNames: ['channel', 'outcome'] as const,
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
);

export const turnsTotal = once(
  'anchorline_turns_total',
  () =>
    new client.Counter({
      name: 'anchorline_turns_total',
      help: 'Turns handled, by channel and outcome (ok, duplicate, relayed, failed)',
      labelNames: ['channel', 'outcome'] as const,
    }),
);

export const actionFailures = once(
  'anchorline_action_failures_total',
  () =>
    new client.Counter({
      name: 'anchorline_action_failures_total',
      help: 'Domain actions that threw or timed out inside a turn',
      labelNames: ['action', 'reason'] as const,
    }),
);

export const flowLoadErrors = once(
  'anchorline_flow_load_errors_total',
  () => new client.Counter({ name: 'anchorline_flow_load_errors_total', help: 'Flow reloads refused by the checker' }),
);
