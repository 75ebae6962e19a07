import { ImapFlow } from 'imapflow';
import { startDovecot } from './dovecot';
it('x', async () => {
  const d = await startDovecot({ users: { alice: 'a' } });
  let t = Date.now();
  d.addUser('bob', 'bob-pw');
  try {
    await d.appendMessage('bob', 'bob-pw', 'Factures', 'Subject: x\r\n\r\nx\r\n');
    d.addUser('bob', 'new-pw');
    const c = new ImapFlow(d.clientOptions('bob', 'bob-pw'));
    c.on('error', () => undefined);
    const e = await c.connect().catch((e) => e);
    console.log('old pw', e && { ...e, message: e.message });
  } catch (e) { console.log('ERR', e); }
  t = Date.now(); await d.stop(); console.log('stop', Date.now() - t);
  t = Date.now(); await d.start(); console.log('start', Date.now() - t);
  console.log(d.log());
  await d.close();
});
