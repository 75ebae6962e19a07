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
];

const DSN: [string, ClassifyInput, Reason][] = [
  ['a null MX is final even as a 4.x.x "failed"', { action: 'failed', status: '4.0.0', diagnostic: "The domain nomail.example doesn't receive email according to the administrator: returned Null MX" }, 'not-accepting-mail'],
  ['a delay notice quoting "will give up" stays a delay', { action: 'delayed', status: '4.0.0', diagnostic: '451 Greylisted. Eventually the mail delivery software will give up' }, 'delayed'],
  ['the phase may be in the human-readable words, not the DSN field', { action: 'failed', status: '5.0.0', diagnostic: '550 Unknown user', context: 'host mail.example.net said: 550 Unknown user (in reply to end of DATA command)' }, 'filtered'],
];

describe('reasons from the words of other servers', () => {
  it.each(FAILED)('%s', (_rule, words, reason) => expect(failureReason(words)).toBe(reason));
  it.each(DSN)('%s', (_rule, input, reason) => expect(classifyReason(input)).toBe(reason));
});
