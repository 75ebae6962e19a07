/**
 * Received mail in real-world shapes, as raw RFC 5322 text: encoded-word
 * subjects (RFC 2047), RFC 2231 filenames, nested multiparts, inline cid:
 * images (RFC 2392), ISO-8859-1, a broken boundary, hostile HTML.
 */
const b64 = (buf: Buffer) => buf.toString('base64').replace(/.{76}/g, '$&\r\n');
export const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\n'), Buffer.alloc(3000, 0x41), Buffer.from('\n%%EOF\n')]);
// A 1x1 PNG.
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let n = 0;
const mid = (tag: string) => `<${tag}.${++n}.${Date.now()}@sender.example>`;

export function certificat(from: string, opts: { messageId?: string } = {}) {
  return [
    `From: Josiane Mailly <${from}>`,
    'To: documents@aeroclub.example',
    `Subject: =?UTF-8?Q?Certificat_m=C3=A9dical_2026?=`,
    `Message-ID: ${opts.messageId ?? mid('cert')}`,
    'Date: Mon, 23 Nov 2026 09:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Bonjour, voici mon certificat médical.',
    '--b1',
    'Content-Type: application/pdf',
    "Content-Disposition: attachment; filename*=UTF-8''certificat%20m%C3%A9dical.pdf",
    'Content-Transfer-Encoding: base64',
    '',
    b64(PDF),
    '--b1--',
    '',
  ].join('\r\n');
}

export function alternative(from: string, subject = 'Question sur la cotisation') {
  return [
    `From: ${from}`, 'To: documents@aeroclub.example', `Subject: ${subject}`, `Message-ID: ${mid('alt')}`, 'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="alt"', '', '--alt', 'Content-Type: text/plain; charset=utf-8', '', 'Texte brut.', '--alt',
    'Content-Type: text/html; charset=utf-8', '', '<p>Texte <b>HTML</b>.</p>', '--alt--', '',
  ].join('\r\n');
}

/** multipart/mixed > multipart/related(html + cid image) + PDF + JPEG-ish image. */
export function nested(from: string) {
  return [
    `From: ${from}`, 'To: documents@aeroclub.example', 'Subject: Carnet de sauts et photo', `Message-ID: ${mid('nested')}`, 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"', '',
    '--outer', 'Content-Type: multipart/related; boundary="rel"', '',
    '--rel', 'Content-Type: text/html; charset=utf-8', '', '<p>Mon carnet : <img src="cid:logo123@club" alt="logo"></p>',
    '--rel', 'Content-Type: image/png', 'Content-ID: <logo123@club>', 'Content-Disposition: inline; filename="logo.png"', 'Content-Transfer-Encoding: base64', '', b64(PNG), '--rel--',
    '--outer', 'Content-Type: application/pdf; name="carnet-de-sauts.pdf"', 'Content-Disposition: attachment; filename="carnet-de-sauts.pdf"', 'Content-Transfer-Encoding: base64', '', b64(PDF),
    '--outer', 'Content-Type: image/png; name="photo.png"', 'Content-Disposition: attachment; filename="photo.png"', 'Content-Transfer-Encoding: base64', '', b64(PNG),
    '--outer--', '',
  ].join('\r\n');
}

export function latin1(from: string) {
  return [
    `From: ${from}`, 'To: documents@aeroclub.example', 'Subject: =?ISO-8859-1?Q?Dipl=F4me_d=27=E9t=E9?=', `Message-ID: ${mid('latin1')}`, 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="l1"', '', '--l1', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', 'Voici mon dipl=F4me.',
    '--l1', 'Content-Type: application/pdf', 'Content-Disposition: attachment; filename="=?ISO-8859-1?Q?dipl=F4me_=E9t=E9.pdf?="', 'Content-Transfer-Encoding: base64', '', b64(PDF), '--l1--', '',
  ].join('\r\n');
}

export function big(from: string, bytes: number, subject = 'Gros fichier') {
  return [
    `From: ${from}`, 'To: documents@aeroclub.example', `Subject: ${subject}`, `Message-ID: ${mid('big')}`, 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="big"', '', '--big', 'Content-Type: text/plain', '', 'Gros fichier joint.',
    '--big', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename="video.bin"', 'Content-Transfer-Encoding: base64', '', b64(Buffer.alloc(bytes, 7)), '--big--', '',
  ].join('\r\n');
}

export function noFrom() {
  return ['To: documents@aeroclub.example', 'Subject: Sans expéditeur', `Message-ID: ${mid('nofrom')}`, 'Content-Type: text/plain; charset=utf-8', '', 'Qui suis-je ?', ''].join('\r\n');
}

export function brokenBoundary(from: string) {
  return [
    `From: ${from}`, 'To: documents@aeroclub.example', 'Subject: Boundary cassee', `Message-ID: ${mid('broken')}`, 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="declared"', '', '--other', 'Content-Type: text/plain', '', 'Le corps ne suit pas la boundary annoncée', '--other', '',
  ].join('\r\n');
}

export function hostileHtml(from: string) {
  return [
    `From: ${from}`, 'To: documents@aeroclub.example', 'Subject: Newsletter piégée', `Message-ID: ${mid('html')}`, 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '',
    '<html><body><script>alert(1)</script><p onclick="steal()">Bonjour</p><img src="x" onerror="steal()"><img src="https://tracker.example/pixel.gif?u=42" width="1" height="1"><a href="javascript:steal()">lien</a></body></html>',
    '',
  ].join('\r\n');
}

/** An HTML-only newsletter of about `mb` MiB (quoted-printable, as mailers send it). */
export function hugeHtml(from: string, mb: number) {
  const row = '<tr><td style=3D"color:red"><a href=3D"https://shop.example/p">Promotion</a> <b>=C3=A9t=C3=A9</b></td></tr>\r\n';
  return [
    `From: ${from}`, 'To: documents@aeroclub.example', 'Subject: Catalogue complet', `Message-ID: ${mid('huge')}`, 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '',
    `<html><body><p>Notre catalogue d=E2=80=99hiver</p><table>\r\n${row.repeat(Math.ceil((mb * 1024 * 1024) / 70))}</table></body></html>`,
    '',
  ].join('\r\n');
}

export function autoReply(from: string) {
  return [`From: ${from}`, 'To: documents@aeroclub.example', 'Subject: Absent du bureau', 'Auto-Submitted: auto-replied', `Message-ID: ${mid('auto')}`, 'Content-Type: text/plain', '', 'Je suis absent.', ''].join('\r\n');
}

export function simple(from: string, subject: string, messageId?: string) {
  return [`From: ${from}`, 'To: documents@aeroclub.example', `Subject: ${subject}`, `Message-ID: ${messageId ?? mid('simple')}`, 'Content-Type: text/plain; charset=utf-8', '', `Corps de ${subject}`, ''].join('\r\n');
}
