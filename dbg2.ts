import fs from 'node:fs';
import { readBounce } from './src/delivery/bounce/read-bounce';
for (const f of process.argv.slice(2)) {
  const v = readBounce(fs.readFileSync(f));
  console.log('==', f.split('/').pop(), v.kind, JSON.stringify(v.recipients.map((r) => [r.address, r.reason, r.status, r.action, (r.diagnostic ?? '').slice(0, 300)])));
}
