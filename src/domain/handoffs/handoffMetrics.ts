import client from 'prom-client';

function histogram(): client.Histogram {
  const name = 'anchorline_handoff_time_to_claim_seconds';
  const existing = client.register.getSingleMetric(name);
  if (existing) return existing as client.Histogram;
  return new client.Histogram({
    name,
    help: 'Time from a handoff request to an adviser claiming it',
    labelNames: ['urgency'],
    buckets: [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 28800],
  });
}

let queueLength: () => Promise<number> = async () => 0;

function gauge(): client.Gauge {
  const name = 'anchorline_handoff_queue_length';
  const existing = client.register.getSingleMetric(name);
  if (existing) return existing as client.Gauge;
  return new client.Gauge({
    name,
    help: 'Handoffs waiting for an adviser (requested or queued)',
    async collect() {
      this.set(await queueLength().catch(() => Number.NaN));
    },
  });
}

/** Registered once on prom-client's default registry (GET /metrics serves it). */
export const timeToClaim = histogram();
export const queueLengthGauge = gauge();

/** The gauge reads the database when /metrics is scraped. */
export function setQueueLengthSource(source: () => Promise<number>): void {
  queueLength = source;
}
