import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../../src/channels/slack/boltLogger.ts';
import { createLogger } from '../../../src/log.ts';

const MARKER = 'ZqBoltMarker';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, bolt: boltLogger(createLogger('trace', { destination })) };
}

describe("Bolt's lines in our log", () => {
  it('drops debug and info (they print payloads) even at trace level', () => {
    const { lines, bolt } = capture();
    bolt.debug(`Received an event: {"text":"${MARKER}"}`);
    bolt.info('payload', { text: MARKER });
    expect(lines).toEqual([]);
  });

  it('keeps only the fixed wording of a warning or error, and an error through the serializer', () => {
    const { lines, bolt } = capture();
    bolt.warn(`Failed to parse the request body: Unexpected token 'Z', "${MARKER}" is not valid JSON`);
    bolt.error(`An unhandled error occurred while Bolt processed (type: block_actions, error: Error: ${MARKER})`);
    bolt.error('Slack API error', Object.assign(new Error('An API error occurred: channel_not_found'), { data: { text: MARKER } }));
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).not.toContain(MARKER);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, bolt: 'Failed to parse the request body' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 50, bolt: 'An unhandled error occurred while Bolt processed' });
    expect(JSON.parse(lines[2]!)).toMatchObject({ bolt: 'Slack API error', err: { message: 'An API error occurred: channel_not_found' } });
  });
});
