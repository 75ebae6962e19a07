import { classifyReason, failureReason, type ClassifyInput } from '../../src/delivery/bounce/classify';
import type { Reason } from '../../src/delivery/reasons';

/**
 * The reason rules found by reading other servers' returned mail (see
 * docs/delivery-tracking.md, "Measured on sisimai's set"): one row per rule,
 * the server's words as they come, and the reason a person reading them gives.
 */
const FAILED: [string, string, Reason][] = [
  ['a multi-line reply repeats its code on each line', '550-Please turn on SMTP Authentication in your mail client.\n550-mx.club.example.org is not permitted to\n550 relay through this server without authentication.', 'auth-failure'],
  ['links in the words are no words (?ip= is no block)', '550 5.1.1 RCP-P2 http://postmaster.social.example/codes?ip=198.51.100.9#rcp Refused due to recipient preferences', 'filtered'],
  ['a sending quota of ours is a rate limit, not a full mailbox', "554 smtp.example.net : You have used up your daily relay quota - 198.51.100.7", 'rate-limited'],
  ['a mailbox over its size is full, not a message too big', 'User mailbox exceeds allowed size', 'mailbox-full'],
  ['an unknown sender domain at MAIL FROM is our sender refused', 'SMTP error from remote mail server after MAIL FROM:<bounces@club.example.org>: 550 5.1.7 No such domain club.example.org.', 'rejected'],
  ['the same in a Courier/ezweb transcript', '>>> MAIL FROM:<bounces@club.example.org>\n<<< 550 5.1.0 club.example.org does not exist', 'rejected'],
  ['5.1.8 is our sender whatever the words', '501 5.1.8 Sender address rejected: Domain not found', 'rejected'],
  ['"unknown user" refused only after DATA is a filter', '550 Unknown user (in reply to end of DATA command)', 'filtered'],
  ['… unless the words say the account does not exist', "554 delivery error: dd This user doesn't have an account (in reply to end of DATA command)", 'user-unknown'],
  ['… or the code says so', '550 5.1.1 Unknown user (in reply to end of DATA command)', 'user-unknown'],
  ['Outlook.com: a domain that is not reachable', '554 The mail could not be delivered to the recipient because the domain is not reachable.', 'host-unknown'],
  ["Outlook.com: messages from our IP weren't sent", "550 SC-004 Unfortunately, messages from 198.51.100.9 weren't sent. Too many unwanted messages have been sent from the following IP address above.", 'blocked'],
  ['Gmail: the server did not accept a connection', 'The recipient server did not accept our requests to connect. [mx.example.net 192.0.2.1: socket error]', 'network-error'],
  ['Google Groups in Japanese: no permission to post', 'このグループに投稿する権限がありません', 'rejected'],
  // Rules found on sisimai's provider reply tables (Exchange Online, Gmail, Yahoo, Mimecast, GoDaddy, Orange–La Poste, iCloud, Zoho, Cox).
  ['three-digit enhanced codes are read (RFC 3463)', '550 5.7.124 Sender not in allowed-senders list', 'rejected'],
  ['Orange/La Poste reference codes name the cause', '550 5.5.0 Boite du destinataire archivee. Archived recipient. LPN007_420 (in reply to RCPT TO command)', 'suspended'],
  ['… over any status code', '552 5.1.1 Boite du destinataire pleine. Recipient overquota. OFR_417 [417]', 'mailbox-full'],
  ['… and over "Service refusé", a block of our IP', '550 mwinf5c10 ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR006_103 192.0.2.1 [103]', 'blocked'],
  ['RFC 7372: 5.7.25 is our reverse DNS', '550 5.7.25 Access denied, the sending IPv6 address [2001:db8::1] must have a reverse DNS record', 'blocked'],
  ['RFC 7372: 5.7.27 is our sender domain with a null MX', '550 5.7.27 Sender address has null MX', 'rejected'],
  ['a stock sentence about spam is no spam verdict', '550 5.7.1 Messages missing a valid Message-ID: header are not accepted. To reduce the amount of spam sent to Gmail, this message has been blocked.', 'policy-violation'],
  ['our IP blocked for spam is a block of us', '550 mwinf5c04 ME Adresse IP source bloquee pour incident de spam. Client host blocked for spamming issues.', 'blocked'],
  ['"mail from IP … rejected" for a block list is a block', '550 5.7.1 Mail from IP 192.0.2.1 was rejected due to listing in Spamhaus SBL.', 'blocked'],
  ['too many invalid recipients from us is a block, not an unknown user', '550 too many invalid recipients', 'blocked'],
  ['SPF or DKIM required of us is authentication', '421 4.7.26 This mail has been rate limited because it is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.', 'auth-failure'],
  ['"SPF Sender Invalid" is our SPF, not our sender address', '550 SPF Sender Invalid - envelope rejected', 'auth-failure'],
  ['Orange: invalid sender, check the SPF/DNS of your domain', '421 smtp.orange.fr [192.0.2.1] Emetteur invalide, Veuillez verifier la configuration SPF/DNS de votre nom de domaine.', 'auth-failure'],
  ['invalid sender, in French', '550 5.0.1 Emetteur invalide. Invalid Sender.', 'rejected'],
  ['a group accepting only its members refuses our sender', '550 5.7.134 RESOLVER.RST.SenderNotAuthenticatedForMailbox; sender was not authenticated for mailbox', 'rejected'],
  ['daily recipient limits are rate limits', "550 5.1.90 Your message can't be sent because you've reached your daily limit for message recipients", 'rate-limited'],
  ['a recipient receiving too fast is a rate limit, not a suspension', '450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend your message at a later time.', 'rate-limited'],
  ['too many sessions from our IP is a rate, not a block', '421 Connection refused, too many sessions from This IP. Lower the number of concurrent sessions.', 'rate-limited'],
  ['excessive volume is a rate limit', '421 4.7.1 Messages to user@icloud.example deferred due to excessive volume. Try again later', 'rate-limited'],
  ['"temporarily unavailable" of a server is no suspended mailbox', '421 Server temporarily unavailable. Try again later.', 'system-error'],
  ['a content filter quarantine is a spam verdict', '550 5.2.1 Content Filter agent quarantined this message', 'spam-detected'],
  ['an account storage limit is a full mailbox', 'Account storage limit', 'mailbox-full'],
  ['"mailbox not found" after DATA is still a missing mailbox', '552 1 Requested mail action aborted, mailbox not found (in reply to end of DATA command)', 'user-unknown'],
  ['French: mailbox full, in the Exchange sentence', 'La boîte aux lettres du destinataire est pleine et ne peut pas accepter de messages pour le moment.', 'mailbox-full'],
  ['French: address not found', "L'adresse de messagerie que vous avez entrée est introuvable.", 'user-unknown'],
  ['French: the domain does not exist', "Le domaine de destination n'existe pas", 'host-unknown'],
  ['German: mailbox full', 'Das Postfach des Empfängers ist voll und kann momentan keine Nachrichten annehmen.', 'mailbox-full'],
  ['German: address not found', 'Die E-Mail-Adresse wurde nicht gefunden.', 'user-unknown'],
  ['German: a domain not found is the domain, not the mailbox', 'Die Domain wurde nicht gefunden', 'host-unknown'],
  ['German: message too big', 'Die Nachricht ist zu groß', 'message-too-big'],
  ['German: account blocked', 'Das Konto ist gesperrt', 'suspended'],
  ['Dutch: mailbox full', 'De mailbox van de ontvanger is vol en kan op dit moment geen berichten accepteren.', 'mailbox-full'],
  ['Dutch: unknown recipient', 'Onbekende ontvanger', 'user-unknown'],
  ['Dutch: address not found', 'Het e-mailadres dat u hebt ingevoerd, is niet gevonden.', 'user-unknown'],
  ['Dutch: too many connections', 'Te veel verbindingen', 'rate-limited'],
  ['Spanish: mailbox full', 'El buzón del destinatario está lleno y no puede aceptar mensajes ahora.', 'mailbox-full'],
  ['Spanish: unknown recipient', 'Destinatario desconocido', 'user-unknown'],
];

const DSN: [string, ClassifyInput, Reason][] = [
  ['a null MX is final even as a 4.x.x "failed"', { action: 'failed', status: '4.0.0', diagnostic: "The domain nomail.example doesn't receive email according to the administrator: returned Null MX" }, 'not-accepting-mail'],
  ['a delay notice quoting "will give up" stays a delay', { action: 'delayed', status: '4.0.0', diagnostic: '451 Greylisted. Eventually the mail delivery software will give up' }, 'delayed'],
  ['greylisting is a delay (RFC 6647), not a server fault', { action: 'delayed', status: '4.7.1', diagnostic: '451 4.7.1 Greylisted, try again after some time' }, 'delayed'],
  ['a server that gave up still names the cause the last reply gave', { action: 'failed', status: '4.7.0', diagnostic: '421 4.7.0 This message is suspicious due to the very low reputation of the sending IP address.' }, 'blocked'],
  ['… but a timeout it gave up on is expired', { action: 'failed', status: '4.4.1', diagnostic: 'connect to mx.dest.example[192.0.2.1]:25: Connection timed out' }, 'expired'],
  ['the phase may be in the human-readable words, not the DSN field', { action: 'failed', status: '5.0.0', diagnostic: '550 Unknown user', context: 'host mail.example.net said: 550 Unknown user (in reply to end of DATA command)' }, 'filtered'],
];

describe('reasons from the words of other servers', () => {
  it.each(FAILED)('%s', (_rule, words, reason) => expect(failureReason(words)).toBe(reason));
  it.each(DSN)('%s', (_rule, input, reason) => expect(classifyReason(input)).toBe(reason));
});
