/**
 * `npm run bench -- bounces --dir <folder> [--json]`: reads every file of a
 * folder (recursively) as a returned mail and prints how many were recognised,
 * the count per reason and messages per second. With `--json`, one line per
 * message instead (a stable format, see the README):
 *   {"file","recognised","recipients":[{"address","reason","deadAddress","status"}]}
 */
import fs from 'node:fs';
import path from 'node:path';
import { messageFiles, relativeName } from '../src/delivery/bounce/files';
import { readBounce } from '../src/delivery/bounce/read-bounce';

export default async function bounces(args: { dir?: string | boolean; json?: boolean }): Promise<void> {
  if (typeof args.dir !== 'string') {
    process.stderr.write('usage: npm run bench -- bounces --dir <folder> [--json]\n');
    process.exit(2);
  }
  const dir = path.resolve(args.dir);
  const perReason = new Map<string, number>();
  let total = 0;
  let unrecognised = 0;
  let noRecipient = 0;
  const started = process.hrtime.bigint();
  for (const file of messageFiles(dir)) {
    total += 1;
    const v = readBounce(fs.readFileSync(file));
    const recipients = v.recipients.map((r) => ({ address: r.address, reason: r.reason, deadAddress: r.deadAddress, status: r.status }));
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ file: relativeName(dir, file), recognised: v.recognised, recipients })}\n`);
      continue;
    }
    if (!v.recognised) unrecognised += 1;
    else if (!recipients.some((r) => r.address)) noRecipient += 1;
    for (const r of recipients) perReason.set(r.reason, (perReason.get(r.reason) ?? 0) + 1);
  }
  if (args.json) return;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`bounces: ${total} messages in ${seconds.toFixed(2)} s = ${(total / Math.max(seconds, 1e-9)).toFixed(1)} /s\n`);
  process.stdout.write(`bounces: recognised ${total - unrecognised}, not recognised ${unrecognised}, recognised without a recipient ${noRecipient}\n`);
  for (const [reason, n] of [...perReason.entries()].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${reason.padEnd(20)} ${n}\n`);
}
