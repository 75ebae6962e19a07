import type { Reason } from '../reasons';
import { providerCodeReason } from './provider-codes';
import { statusIn } from './text-readers';

/**
 * Reason of one failed recipient, from the remote server's words first (they
 * are more precise than the status code, which servers often get wrong:
 * Gmail's "5.7.1 No such user", "5.1.1" on a full mailbox), then the
 * enhanced status code (RFC 3463, RFC 7505, RFC 7372), then the SMTP reply
 * code and the DSN action. Order matters: the first matching pattern wins.
 */
const PATTERNS: [Reason, RegExp][] = [
  // Our SPF/DKIM record named with the sender ("SPF Sender Invalid", Orange's "configuration SPF/DNS"): ours to fix, not the address.
  ['auth-failure', /\b(spf|dkim|dmarc) sender invalid|spf\/dns/i],
  // Our IP or domain on a block list, even when worded "mail from IP … rejected"; too many bad
  // recipients or commands from us is a block of us, never a verdict on this address.
  ['blocked', /\b(listing|listed) (in|on|at)\b.{0,30}\b(spamhaus|sbl|xbl|pbl|dbl|dnsbl|rbl|blacklist|blocklist|cbl|barracuda)|too many (invalid|unknown|bad) (recipients|commands)/i],
  // About our sender address or the list we posted to, never the recipient's mailbox.
  ['rejected', /sender address rejected|sender (domain|verify|verification)|(sender|from address|mail from|envelope sender|return.?path).{0,30}(rejected|refused|denied|not allowed|invalid|unknown|does not exist|not found|failed)|domain of sender|provide a valid from\b|\bfrom:?\s+domain (is )?invalid|you may not have permission to post|投稿する権限|not allowed to post|only members can post|not a member of|not in (the )?allowed.?senders|sender (was )?not authenticated (by|for)|notauthenticatedfor|blocked senders|envelope (blocked|rejected - block)|mail sending denied|sending from unregistered domains|bad outbound sender|spam abuse detected|mail from not owned|sender (address|domain) has (a )?null mx/i],
  // Too many connections from us: a rate, even when the words say "connection refused from this IP".
  ['rate-limited', /too many (connections|sessions|concurrent)|trop de connexions|zu viele verbindungen|te veel verbindingen|demasiadas conexiones|troppe connessioni/i],
  ['auth-failure', /\b(spf|dkim|dmarc)\b.{0,80}\b(fail|invalid|reject|not pass|did not|policy|alignment|unauthenticated|authenticat)|\b(fail|not pass|didn.?t pass|unauthenticated)\w*.{0,40}\b(spf|dkim|dmarc)\b|sender (is )?not authenticated|authentication (check )?fail|5\.7\.2[0-46]\b|5\.7\.[789]\b|(must|to) pass (either )?(spf|dkim|dmarc)|authenticate (with|their e-?mail with) (either )?(spf|dkim)|aligned with either the authenticated|does not pass dmarc|spf record|(spf|dkim|dmarc) sender invalid|spf\/dns|unauthenticated email|not designated as permitted sender|turn on smtp authentication|relay.{0,40}without authentication|authentication (is )?required/i],
  // A block of our IP or domain that names spam as its cause is still a block of us, not a verdict on this message.
  ['blocked', /\b(ip|client host|adresse ip( source)?)\b.{0,40}(blocked|bloqu|banned|black ?listed)|reputation of the sending|rate limited due to ip reputation|unusual rate of (unsolicited )?mail|part of their network is on our block list|bad helo|\bip\b.{0,40}(gesperrt|geblokkeerd|bloquead)/i],
  ['spam-detected', /content filter.{0,20}quarantin|message is (likely )?suspicious|\bspam(?!haus|cop)|junk ?mail|looks like (unsolicited|spam)|bulk mail|content.{0,20}(rejected|refused|blocked)|message (content )?(was )?(classified|considered|identified|flagged) as|unsolicited|spamassassin|high (spam|probability)|uribl|surbl|\bphish|virus|malware|infected|courrier ind[ée]sirable|pourriel/i],
  ['blocked', /black ?list|block ?list|blocked|\bdnsbl\b|\brbl\b|spamhaus|spamcop|barracuda|sorbs|reputation|\bpoor\b.{0,20}reput|(?<!not )listed (at|in|on|by)|client host .{0,60}rejected|ip .{0,40}(rejected|refused|denied|banned|not allowed)|connection (refused|rejected|denied) (from|by)|access denied.{0,40}(ip|host)|banned|\bptr\b|reverse (dns|lookup)|rdns|not allowed to send|your (ip|server|host|network)|\bbl\.|refused.{0,30}\bip\b|\bip\b.{0,30}\brefused|mail from .{0,40} (refused|rejected)|poor reputation|temporarily deferred due to|unwanted messages have been sent from|messages from \d{1,3}(\.\d{1,3}){3} (weren.?t|were not) sent/i],
  // A sending allowance of ours, not the recipient's mailbox quota.
  ['rate-limited', /\b(relay|daily|hourly|sending|send|outbound|submission) quota|(excessive|unexpected) volume|receiving mail (too quickly|at a rate)|daily limit for message recipients|message receive limit|exceeded (the )?threshold|exceeded permitted limits|thread limit|max(imum)? (number of )?messages? per (connection|session)|quota.{0,20}\b(relay|sending|messages per)/i],
  ['mailbox-full', /quota|mailbox.{0,20}(is )?full|mailbox full|box.{0,10}full|full mailbox|insufficient (disk |storage )?(space|storage)|storage.{0,20}(full|exceeded|allocation)|exceeded.{0,30}storage|over ?the ?limit.{0,20}mailbox|not enough (space|storage)|out of (disk )?space|bo[iî]te.{0,40}(pleine|satur)|postfach.{0,40}\bvoll\b|(postvak|mailbox|brievenbus).{0,40}\bvol\b|buz[oó]n.{0,40}\blleno|casella.{0,30}\bpiena|quot(um|a) (overschreden|[üu]berschritten|superada|excedida|superata)|espace.{0,20}(insuffisant|plein)|d[ée]passement.{0,20}quota|postfach.{0,10}voll|speicherplatz|ящик переполнен|overquota|too much mail|(too many|zu ?viele) (messages|mails) (on|in)|disk space|storage limit|mailbox.{0,30}exceed|exceeded.{0,30}(disk|space|size limit)/i],
  ['rate-limited', /too many (connections|messages|recipients|concurrent|sessions|emails|mails)|rate.?limit|exceeded.{0,30}(rate|limit)|\bthrottl|sending limit|try again later.{0,30}(limit|many)|connection limit|trop de (messages|connexions)|4\.7\.28|4\.2\.1\b.{0,60}(rate|unusual)/i],
  ['message-too-big', /(message|mail|size).{0,40}(too (big|large)|exceeds?.{0,30}(size|limit|maximum)|size limit)|message size .{0,30}exceeds|size (limit )?exceeded|exceeds .{0,20}(maximum|size)|too large|taille.{0,30}(maximale|d[ée]pass|atteinte)|taille limite|zu gro(ß|ss)|te groot|demasiado grande|troppo grande|nachrichtengr(ö|oe)(ß|ss)e|berichtgrootte|tama[ñn]o m[aá]ximo|trop (gros|volumineux)|552[ -]5\.3\.4|5\.2\.3\b|5\.3\.4\b/i],
  ['moved', /has moved|no longer (with|at|valid|employed|works)|moved to|new (e-?mail )?address is|address has changed|a chang[ée] d.adresse|adresse.{0,20}ge(ä|ae|a)ndert|nieuw e-?mailadres|nueva direcci[oó]n/i],
  ['suspended', /suspend|disabled|deactivated|inactive|not active|(account|mailbox|user) (is )?(locked|frozen|blocked)|account.{0,20}(expired|closed|discontinued|terminated)|(account|mailbox|user|recipient|address).{0,30}temporarily (unavailable|disabled)|mailbox.{0,20}(is )?(not (currently )?available|unavailable) \(|compte.{0,30}(d[ée]sactiv|suspendu|bloqu)|deaktiviert|gesperrt|gedeactiveerd|geblokkeerd|desactivad|disattivat|archived recipient|(bo[iî]te|mailbox|account).{0,30}archiv|is on hold|recipient.{0,20}inactive/i],
  ['filtered', /not accepting (e-?)?mail (with|from)|does not accept (e-?)?mail (with|from)|refuses mail from|recipient.?s? preferences|preferences of the (person|recipient)/i],
  ['not-accepting-mail', /null mx|(domain|host|server) .{0,40}(does not|doesn.?t|do(es)? not) accept (any )?(e-?)?mail(?! (with|from))|accepts no (e-?)?mail|n'accepte (pas|aucun) de (courrier|mail)/i],
  ['host-unknown', /host (or domain name )?not found|host unknown|unknown host|domain (name )?(not found|does not exist|doesn.?t exist|unknown|not exist)|no such domain|unrouteable (mail )?domain|name service error|no mx|mx.{0,20}(not found|lookup)|dns error.{0,60}(domain|not found|nxdomain)|nxdomain|unknown domain|domain.{0,20}(is )?invalid|host or domain|not a valid domain|domaine.{0,30}(inexistant|inconnu|invalide|introuvable|n'existe pas)|(domain|dom(ä|ae)ne|domein|dominio).{0,30}(existiert nicht|bestaat niet|no existe|non esiste|unbekannt|onbekend|nicht gefunden|niet gevonden|no se encontr)|unable to route.{0,20}(domain|host)|name or service not known|domain has no|unrouteable address|illegal host\/domain|domain is not reachable/i],
  ['user-unknown', /user(name)? ?(is )?unknown|unknown (local )?(user|recipient|mailbox|address|account|alias)|no such (user|mailbox|address|account|recipient|person|local user)|(user|mailbox|address|recipient|account|alias|addressee|person|e-?mail).{0,30}(does ?n[o']t exist|not exist|doesn.?t exist|not found|unknown|is not known|invalid|not (a )?valid|unavailable|not listed|nonexistent|non-existent)|(does ?n[o']t|doesn.?t|not) (exist|have an? .{0,25}account)|invalid (recipient|mailbox|address|user|account)|not (a )?valid (recipient|mailbox|user|address)|recipient (address )?(rejected|refused|unknown|not found|invalid)|mailbox (unavailable|not found|is unavailable|inexistante?)|address rejected|no mailbox|not listed in|recipnotfound|resolver\.adr|account (is )?(unavailable|not found)|unknown or illegal alias|bad destination|mailbox not available|couldn.?t be found|could not be found|was not found|no account|is not a (known|valid) user|unknown address|not our customer|addressee unknown|inexistant|utilisateur.{0,20}inconnu|destinataire.{0,30}(inconnu|inexistant|invalide|introuvable)|adresse.{0,60}(inconnue|inexistante|invalide|introuvable|n'existe pas)|nicht gefunden|niet gevonden|no se encontr|introuvable|onbekende (ontvanger|gebruiker)|(ontvanger|gebruiker|adres)\b.{0,30}(onbekend|bestaat niet)|bestaat niet|(usuario|destinatario|direcci[oó]n).{0,20}(desconocid|no existe)|unbekannte?r? (empf(ä|ae)nger|benutzer)|n'existe pas|unbekannt|nicht vorhanden|gibt es nicht|нет такого|не существует|no existe|inesistente|sconosciuto|access denied\. as\(201806281\)|user not found|dd this user doesn.?t have/i],
  ['rejected', /sender.{0,40}(rejected|refused|denied|not allowed|blocked|invalid|unknown|verify)|(rejected|refused|denied).{0,20}sender|from address.{0,20}(rejected|invalid)|domain of sender|sender address|envelope sender|return.?path|relay(ing)? (access )?(denied|not permitted|not allowed)|not permitted to relay|we do not relay|relay not permitted|not authorized to relay|invalid sender|[ée]metteur invalide|exp[ée]diteur (invalide|refus[ée]|inconnu)/i],
  ['filtered', /filter|not authori[sz]ed|not allowed|only accepts? mail from|restricted|not on the (allow|white)|whitelist|permission denied|refused by the recipient|recipient.{0,20}(refuses|refused|rejected) (your|the) (message|mail)|denied by/i],
  ['policy-violation', /polic(y|ies)|violat|prohibited|not compliant|non.?compliant|rfc ?5322|header.{0,20}(invalid|missing)|malformed|syntax|content (rejected|refused)|attachment|forbidden|not permitted/i],
  ['expired', /expired|gave up|give up|retry time(out)? .{0,20}exceeded|too long in queue|timed? ?out.{0,40}(queue|deliver)|could not be delivered (with|within)|delivery time expired|message has been in the queue too long|couldn.?t be delivered .{0,30}(days|hours)|maximum time|undeliverable for|delai|délai/i],
  ['network-error', /connection (timed out|refused|reset|closed|lost)|did not accept our requests to connect|socket error|timed? ?out|network (error|unreachable)|no route to host|could not connect|couldn.?t connect|unable to connect|connect to .{0,60}failed|lost connection|dns (lookup|error|failure|temporary)|temporary (dns|lookup)|name server|tls|ssl|certificate|routing loop|mail loop|loops back|too many hops/i],
  // Greylisting (RFC 6647) is a delay by design: the retry gets through.
  ['delayed', /greylist/i],
  ['system-error', /system (error|failure|not accepting)|internal (server )?error|server error|local error|temporar(il)?y (failure|error|problem|unavailable)|service (not )?(unavailable|available)|(service|server).{0,20}unavailable|resources|disk full|out of memory|mailer error|program error|command died|exited with|try again|unable to deliver|mail system|delivery error|erreur (syst|interne)/i],
];

const BY_STATUS: [RegExp, Reason][] = [
  [/^[45]\.1\.(1|3|4|0)$/, 'user-unknown'],
  [/^[45]\.1\.2$/, 'host-unknown'],
  [/^[45]\.1\.6$/, 'moved'],
  [/^[45]\.1\.10$/, 'not-accepting-mail'],
  [/^[45]\.1\.[789]$/, 'rejected'],
  [/^[45]\.2\.1$/, 'suspended'],
  [/^[45]\.2\.2$/, 'mailbox-full'],
  [/^[45]\.2\.3$/, 'message-too-big'],
  [/^[45]\.3\.4$/, 'message-too-big'],
  [/^[45]\.3\.[0-5]$/, 'system-error'],
  [/^[45]\.4\.4$/, 'host-unknown'],
  [/^[45]\.4\.7$/, 'expired'],
  [/^[45]\.4\.\d+$/, 'network-error'],
  [/^[45]\.5\.\d+$/, 'system-error'],
  [/^[45]\.6\.\d+$/, 'policy-violation'],
  [/^[45]\.7\.(7|8|9|2[0-46])$/, 'auth-failure'],
  [/^[45]\.7\.25$/, 'blocked'], // RFC 7372: reverse DNS validation failed (our sending host)
  [/^[45]\.7\.27$/, 'rejected'], // RFC 7372: the sender's domain has a null MX
  [/^[45]\.7\.(1|0)$/, 'policy-violation'],
  [/^[45]\.7\.13$/, 'suspended'],
  [/^[45]\.7\.(17|18)$/, 'moved'],
  [/^[45]\.7\.28$/, 'spam-detected'],
  [/^[45]\.7\.\d+$/, 'policy-violation'],
  [/^[45]\.2\.\d+$/, 'mailbox-full'],
];

export interface ClassifyInput {
  action: string | null;
  status: string | null;
  diagnostic: string | null;
  /** The report's human-readable words about the recipient, which often name the SMTP phase the DSN field leaves out. */
  context?: string | null;
}

/** Codes precise enough to win over the words (which may quote a footer or an address). */
const TRUSTED: Record<string, Reason> = { '1.1': 'user-unknown', '1.2': 'host-unknown', '1.7': 'rejected', '1.8': 'rejected', '1.6': 'moved', '2.2': 'mailbox-full', '2.3': 'message-too-big', '3.4': 'message-too-big' };
const OVERRIDES_TRUSTED = /suspend|disabled|deactivated|inactive|quota|mailbox.{0,20}full|over ?quota|recipient.?s? preferences/i;

function withoutRepeatedCodes(text: string): string {
  const first = /(?:^|\s)([245]\d\d)[ -]/.exec(text);
  if (!first) return text;
  const at = first.index + first[0].length;
  return text.slice(0, at) + text.slice(at).replace(new RegExp(String.raw`(^|\s)${first[1]}[ -](?=\S)`, 'g'), '$1');
}

const GAVE_UP_BECAUSE = new Set<Reason>(['mailbox-full', 'message-too-big', 'not-accepting-mail', 'auth-failure', 'blocked', 'rate-limited', 'spam-detected', 'policy-violation', 'rejected', 'suspended', 'system-error']);

const BOILERPLATE = /\bto (best )?(protect our users|reduce the amount of spam)[^.]*\./gi;

/** The reply came to our MAIL FROM: an unknown address or domain there is our sender's, not the recipient's. */
const AT_MAIL_FROM = /after MAIL FROM|in reply to MAIL FROM|MAIL FROM command|>>> MAIL FROM/i;
const AT_DATA = /in reply to (end of )?DATA|after (end of )?DATA\b|>>> DATA\b/i;

export function classifyReason(input: ClassifyInput): Reason {
  const reason = classifyWords(input);
  const phase = `${input.diagnostic ?? ''} ${input.context ?? ''}`;
  if ((reason === 'user-unknown' || reason === 'host-unknown') && AT_MAIL_FROM.test(phase) && !/^[45]\.1\.[12]$/.test(input.status ?? '')) return 'rejected';
  // "Unknown user" only after the message was sent (RCPT TO accepted it): a content filter
  // speaking, not proof that the mailbox is gone — unless the status code says so.
  // Yahoo's "dd This user doesn't have a yahoo.com account" at DATA still says plainly the account is gone.
  if (reason === 'user-unknown' && AT_DATA.test(phase) && !/^[45]\.1\.[1-3]$/.test(input.status ?? '') && !/(does ?n[o']?t|doesn.?t) (exist|have)|not exist|mailbox not found/i.test(input.diagnostic ?? '')) return 'filtered';
  // A delay notice quotes its own "will give up eventually": still a delay.
  if (reason === 'expired' && (input.action ?? '').toLowerCase() === 'delayed') return 'delayed';
  return reason;
}

function classifyWords({ action, status, diagnostic }: ClassifyInput): Reason {
  const act = (action ?? '').toLowerCase();
  if (act === 'delivered' || act === 'relayed' || act === 'expanded') return 'delivered';
  if (status?.startsWith('2.')) return 'delivered';
  // Addresses and links say nothing about the reason ("junkmail@…" is no spam verdict, nor
  // "…/response_codes?ip=…" a block); the reply code repeated on each line of a multi-line reply
  // ("550-… not permitted to 550 relay") is no word.
  const raw = diagnostic ?? '';
  const coded = providerCodeReason(raw);
  if (coded) return coded;
  // Gmail's and Yahoo's stock sentences ("To protect our users from spam, …") say why the rules exist, not which one was hit.
  const text = withoutRepeatedCodes(raw.replace(BOILERPLATE, ' ').replace(/\b(https?|ftp):\/\/\S+/gi, ' ').replace(/\S+@\S+/g, ' '));
  const trusted = status ? TRUSTED[status.slice(2)] : undefined;
  if (trusted && !OVERRIDES_TRUSTED.test(text)) return trusted;
  // A temporary failure the server stopped retrying (RFC 3464 "Action: expired",
  // or Postfix's "failed" with a 4.x.x status when the queue lifetime ran out).
  if (act === 'expired' || (act === 'failed' && status?.startsWith('4.'))) {
    const words = PATTERNS.find(([, re]) => re.test(text))?.[0];
    // The last reply's words still name the cause when they can (a full mailbox, a block or a
    // rate limit of ours, our SPF/DKIM, a null MX — RFC 7505, final whatever the code: Gmail
    // reports it as 4.0.0 "failed"); only timeouts, unreachable hosts and no words are "expired".
    return words && GAVE_UP_BECAUSE.has(words) ? words : 'expired';
  }
  for (const [reason, re] of PATTERNS) if (re.test(text)) return reason;
  if (status && !/^[45]\.0\.0$/.test(status)) for (const [re, reason] of BY_STATUS) if (re.test(status)) return reason;
  if (act === 'expired') return 'expired';
  if (act === 'delayed') return 'delayed';
  const reply = /\b([45])(\d)(\d)\b/.exec(text);
  if (reply) {
    const code = reply[0];
    if (code === '552') return 'mailbox-full';
    if (code === '421' || code === '451') return 'system-error';
    if (code === '550' || code === '551' || code === '553') return 'user-unknown';
  }
  if (status?.startsWith('4.') || act === 'delayed') return 'delayed';
  return 'undetermined';
}

/** A failure recorded as words only (an SMTP reply, a refused RCPT TO) read as a reason of the table, so it can be worded in any language. */
export function failureReason(text: string): Reason {
  return classifyReason({ action: 'failed', status: statusIn(text), diagnostic: text });
}
