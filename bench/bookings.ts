/**
 * `npm run bench -- bookings --count 10000`: N future bookings, each with its
 * `booking:<id>` workflow sending a confirmation (to the outbox) and then
 * waiting on its reminder timer. Prints the time to create them, the time until
 * every confirmation is out, and the process memory (API + worker) — compared
 * with a baseline of the same rows inserted with no workflow at all.
 */
import { createBooking } from '../src/notifications/bookings';
import { startBenchMailroom } from './_harness';

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

export default async function bookings({ count }: { count: number }): Promise<void> {
  const mr = await startBenchMailroom({ TEMPORAL_SEARCH_ATTRIBUTES: 'true' });
  try {
    const { prisma } = mr.db;
    const org = mr.organizationId;
    const member = await prisma.member.create({ data: { organizationId: org, firstName: 'Jeanne', lastName: 'Pilote', emails: { create: [{ organizationId: org, address: 'jeanne@bench.example', normalized: 'jeanne@bench.example' }] } } });
    const resources = await prisma.resource.createManyAndReturn({ data: Array.from({ length: 50 }, (_, i) => ({ organizationId: org, name: `F-BNC${i}` })) });
    const base = Date.now() + 3 * 24 * 3600_000;
    const rssBefore = process.memoryUsage().rss;

    let t = Date.now();
    await prisma.booking.createMany({ data: Array.from({ length: count }, (_, i) => ({ organizationId: org, memberId: member.id, resourceId: resources[i % 50]!.id, startAt: new Date(base + Math.floor(i / 50) * 3600_000), endAt: new Date(base + Math.floor(i / 50) * 3600_000 + 1800_000), status: 'confirmed', externalId: `plain-${i}` })) });
    const plainSeconds = (Date.now() - t) / 1000;
    await prisma.booking.deleteMany({ where: { externalId: { startsWith: 'plain-' } } });

    t = Date.now();
    const deps = { prisma, temporal: mr.app.temporal, config: mr.app.config };
    const queue = Array.from({ length: count }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const start = new Date(base + 30 * 24 * 3600_000 + i * 3600_000); // no two on the same slot
          await createBooking(deps, org, { memberId: member.id, resourceId: resources[i % 50]!.id, startAt: start, endAt: new Date(start.getTime() + 1800_000) });
        }
      }),
    );
    const createSeconds = (Date.now() - t) / 1000;
    for (;;) {
      const sent = await prisma.sentEmail.count({ where: { status: 'sent', templateKey: 'booking.confirmation' } });
      if (sent >= count) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const confirmedSeconds = (Date.now() - t) / 1000;
    global.gc?.();
    const rssAfter = process.memoryUsage().rss;
    process.stdout.write(`bookings: ${count} bookings with workflows created in ${createSeconds.toFixed(1)} s (${(count / createSeconds).toFixed(0)}/s); all confirmations sent after ${confirmedSeconds.toFixed(1)} s\n`);
    process.stdout.write(`bookings: baseline, the same rows inserted without workflows: ${plainSeconds.toFixed(2)} s\n`);
    process.stdout.write(`bookings: process memory (API + worker, ${count} workflows waiting on timers) ${mb(rssAfter)}, was ${mb(rssBefore)} before; database: ${mr.db.kind}\n`);
  } finally {
    await mr.stop();
  }
}
