/**
 * Incoming (IMAP) settings of the providers our organisations use, from each
 * provider's own help pages (URL in `doc` where the provider publishes one page
 * for it). `ssl` = implicit TLS on 993 (RFC 8314); `starttls` = upgrade on 143.
 * Same shape as the SMTP presets, so the console's preset picker serves both.
 */
export interface ImapPreset {
  id: string;
  name: string;
  host: string;
  port: number;
  security: 'ssl' | 'starttls';
  /** What the user must know: app password, OAuth2 only, IMAP to enable... (French, like the SMTP presets). */
  note?: string;
  auth: 'password' | 'app-password' | 'oauth2' | 'app-password-or-oauth2';
  oauthProvider?: 'gmail' | 'microsoft';
  doc?: string;
}

export const IMAP_PRESETS: ImapPreset[] = [
  {
    id: 'gmail', name: 'Gmail / Google Workspace', host: 'imap.gmail.com', port: 993, security: 'ssl', auth: 'app-password-or-oauth2', oauthProvider: 'gmail',
    note: 'Connectez la boîte avec OAuth2 (« Se connecter avec Google »), ou activez la validation en deux étapes et utilisez un mot de passe d’application.',
    doc: 'https://support.google.com/mail/answer/7126229',
  },
  {
    id: 'microsoft365', name: 'Microsoft 365 / Outlook.com', host: 'outlook.office365.com', port: 993, security: 'ssl', auth: 'oauth2', oauthProvider: 'microsoft',
    note: 'Microsoft n’accepte plus de mot de passe pour IMAP : connectez la boîte avec « Se connecter avec Microsoft ». IMAP doit être activé pour la boîte.',
    doc: 'https://support.microsoft.com/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040',
  },
  {
    id: 'ovh', name: 'OVHcloud (MX Plan)', host: 'ssl0.ovh.net', port: 993, security: 'ssl', auth: 'password',
    note: 'Pour Email Pro, le serveur est pro1.mail.ovh.net ; pour Exchange, ex*.mail.ovh.net (voir l’espace client).',
    doc: 'https://help.ovhcloud.com/csm/fr-mx-plan-configuration-email-client',
  },
  { id: 'infomaniak', name: 'Infomaniak', host: 'mail.infomaniak.com', port: 993, security: 'ssl', auth: 'password', note: 'Identifiant : l’adresse complète.' },
  { id: 'gandi', name: 'Gandi Mail', host: 'mail.gandi.net', port: 993, security: 'ssl', auth: 'password', doc: 'https://docs.gandi.net/fr/gandimail/parametres_standard.html' },
  { id: 'proximus', name: 'Proximus (proximus.be, skynet.be)', host: 'imap.proximus.be', port: 993, security: 'ssl', auth: 'password', note: 'Les adresses skynet.be utilisent aussi les serveurs de Proximus.' },
  { id: 'telenet', name: 'Telenet', host: 'imap.telenet.be', port: 993, security: 'ssl', auth: 'password' },
  {
    id: 'orange', name: 'Orange', host: 'imap.orange.fr', port: 993, security: 'ssl', auth: 'password',
    note: 'Identifiant : l’adresse Orange complète et son mot de passe de messagerie.',
    doc: 'https://assistance.orange.fr/ordinateurs-peripheriques/installer-et-utiliser/l-utilisation-du-mail-et-du-cloud/mail-orange/configurer-la-messagerie/parametrer-votre-logiciel-de-messagerie-pour-mail-orange_184917-737497',
  },
  { id: 'free', name: 'Free', host: 'imap.free.fr', port: 993, security: 'ssl', auth: 'password', doc: 'https://assistance.free.fr/articles/parametrer-votre-logiciel-de-messagerie-74' },
  { id: 'sfr', name: 'SFR', host: 'imap.sfr.fr', port: 993, security: 'ssl', auth: 'password', note: 'Identifiant : l’adresse SFR complète.', doc: 'https://assistance.sfr.fr/internet-tel-fixe/mail-sfr/configurer-logiciel-messagerie.html' },
  { id: 'bouygues', name: 'Bouygues Telecom (bbox.fr)', host: 'imap4.bbox.fr', port: 993, security: 'ssl', auth: 'password' },
  {
    id: 'laposte', name: 'La Poste (laposte.net)', host: 'imap.laposte.net', port: 993, security: 'ssl', auth: 'password',
    note: 'L’accès par logiciel de messagerie doit être autorisé dans les préférences laposte.net.',
    doc: 'https://aide.laposte.net/contact/laposte-net/parametres-de-configuration',
  },
  {
    id: 'yahoo', name: 'Yahoo Mail', host: 'imap.mail.yahoo.com', port: 993, security: 'ssl', auth: 'app-password',
    note: 'Générez un mot de passe d’application dans la sécurité du compte Yahoo ; le mot de passe habituel est refusé.',
  },
  {
    id: 'icloud', name: 'iCloud Mail', host: 'imap.mail.me.com', port: 993, security: 'ssl', auth: 'app-password',
    note: 'Mot de passe spécifique à l’app requis ; identifiant : le nom de l’adresse iCloud (sans @icloud.com).',
    doc: 'https://support.apple.com/102525',
  },
];
