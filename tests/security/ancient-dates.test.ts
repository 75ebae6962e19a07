import { createPgliteDatabase } from '../helpers/db';
import { startTestMailroom, temporalAvailable, type TestMailroom, type TestOrg } from '../helpers/mailroom';
import { describeIfServer } from '../helpers/require-server';

/**
 * The 500 of GET /validities seen once in CI (schemathesis, seed 2921117740439943823705592802438992980),
 * reproduced with more examples: the fuzzer had stored a validity expiring in year 13, which the API
 * admits (years 1–9999), and the embedded database's driver read it back as an invalid date
 * (`new Date('0013-01-01 …+00')`): every list holding it answered 500, and years 1–99 that did parse
 * came back a century or two off. The embedded default (PGlite) is what the fuzzer runs.
 */
describeIfServer('Temporal dev server', temporalAvailable())('dates of the first century on the embedded database', () => {
  jest.setTimeout(60_000);
  let mr: TestMailroom;
  let org: TestOrg;

  beforeAll(async () => {
    mr = await startTestMailroom({ db: await createPgliteDatabase() });
    org = await mr.newOrganization('Club');
  });
  afterAll(async () => {
    await mr?.stop();
  });

  it('are listed as they were given (validities, maintenance periods)', async () => {
    const memberId = (await org.staff.post('/api/v1/members', { firstName: 'Jeanne', lastName: 'Martin' })).body.id;
    const dates = ['0001-01-01T00:00:00.000Z', '0013-01-01T05:06:07.089Z', '0050-06-01T00:00:00.000Z', '0099-12-31T23:59:59.999Z'];
    for (const expiresAt of dates) expect((await org.staff.post('/api/v1/validities', { memberId, kind: 'medical', expiresAt })).status).toBe(201);
    const all = await org.staff.get('/api/v1/validities');
    expect(all.status).toBe(200);
    expect(all.body.items.map((v: { expiresAt: string }) => v.expiresAt)).toEqual(dates);
    const mine = await org.staff.get(`/api/v1/validities?memberId=${memberId}&expiresBefore=0050-01-01T00:00:00Z`);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((v: { expiresAt: string }) => v.expiresAt)).toEqual(dates.slice(0, 2));

    const resourceId = (await org.staff.post('/api/v1/resources', { name: 'F-GABC' })).body.id;
    const period = await org.staff.post(`/api/v1/resources/${resourceId}/maintenance`, { start: '0013-02-01T00:00:00Z', end: '0013-02-02T00:00:00Z', reason: 'visite' });
    expect(period.status).toBe(201);
    const periods = await org.staff.get('/api/v1/maintenance-periods');
    expect(periods.status).toBe(200);
    expect(periods.body.items.map((p: { start: string; end: string }) => [p.start, p.end])).toEqual([['0013-02-01T00:00:00.000Z', '0013-02-02T00:00:00.000Z']]);
  });
});
