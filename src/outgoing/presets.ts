/**
 * Outgoing (SMTP submission) settings of the providers our organisations use,
 * from each provider's own help pages (URL in `doc`, last checked 2026-11).
 * `ssl` = implicit TLS (RFC 8314, port 465); `starttls` = upgrade on 587 (RFC 3207).
 */
export interface SmtpPreset {
  id: string;
  name: string;
  host: string;
  port: number;
  security: 'ssl' | 'starttls';
  /** Other port the provider also accepts, with its security. */
  alternative?: { port: number; security: 'ssl' | 'starttls' };
  /** What the user must know: app password, OAuth2 only, account option to enable... */
  note?: string;
  auth: 'password' | 'app-password' | 'oauth2' | 'app-password-or-oauth2';
  oauthProvider?: 'gmail' | 'microsoft';
  doc: string;
}

export const SMTP_PRESETS: SmtpPreset[] = [
  {
    id: 'orange', name: 'Orange', host: 'smtp.orange.fr', port: 465, security: 'ssl', auth: 'password',
    note: 'Identifiant : l’adresse Orange complète et son mot de passe de messagerie.',
    doc: 'https://assistance.orange.fr/ordinateurs-peripheriques/installer-et-utiliser/l-utilisation-du-mail-et-du-cloud/mail-orange/configurer-la-messagerie/parametrer-votre-logiciel-de-messagerie-pour-mail-orange_184917-737497',
  },
  {
    id: 'sfr', name: 'SFR', host: 'smtp.sfr.fr', port: 465, security: 'ssl', auth: 'password',
    note: 'Identifiant : l’adresse SFR complète.',
    doc: 'https://assistance.sfr.fr/internet-tel-fixe/mail-sfr/configurer-logiciel-messagerie.html',
  },
  {
    id: 'outlook', name: 'Outlook.com / Hotmail', host: 'smtp-mail.outlook.com', port: 587, security: 'starttls', auth: 'oauth2', oauthProvider: 'microsoft',
    note: 'Microsoft n’accepte plus le mot de passe (authentification de base) pour Outlook.com : connectez le compte avec OAuth2 (« Se connecter avec Microsoft »).',
    doc: 'https://support.microsoft.com/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040',
  },
  {
    id: 'microsoft365', name: 'Microsoft 365 (Exchange Online)', host: 'smtp.office365.com', port: 587, security: 'starttls', auth: 'oauth2', oauthProvider: 'microsoft',
    note: 'SMTP AUTH doit être activé pour la boîte par l’administrateur ; l’authentification de base est en cours de retrait : préférez OAuth2.',
    doc: 'https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365',
  },
  {
    id: 'yahoo', name: 'Yahoo Mail', host: 'smtp.mail.yahoo.com', port: 465, security: 'ssl', alternative: { port: 587, security: 'starttls' }, auth: 'app-password',
    note: 'Générez un mot de passe d’application dans la sécurité du compte Yahoo ; le mot de passe habituel est refusé.',
    doc: 'https://help.yahoo.com/kb/SLN4724.html',
  },
  {
    id: 'ovh', name: 'OVHcloud (MX Plan, Email Pro)', host: 'ssl0.ovh.net', port: 465, security: 'ssl', alternative: { port: 587, security: 'starttls' }, auth: 'password',
    note: 'Pour Email Pro, le serveur est pro1.mail.ovh.net (587, STARTTLS).',
    doc: 'https://help.ovhcloud.com/csm/fr-mx-plan-configuration-email-client',
  },
  {
    id: 'gandi', name: 'Gandi Mail', host: 'mail.gandi.net', port: 465, security: 'ssl', alternative: { port: 587, security: 'starttls' }, auth: 'password',
    doc: 'https://docs.gandi.net/fr/gandimail/parametres_standard.html',
  },
  {
    id: 'gmail', name: 'Gmail / Google Workspace', host: 'smtp.gmail.com', port: 465, security: 'ssl', alternative: { port: 587, security: 'starttls' }, auth: 'app-password-or-oauth2', oauthProvider: 'gmail',
    note: 'Connectez le compte avec OAuth2 (« Se connecter avec Google »), ou activez la validation en deux étapes et utilisez un mot de passe d’application.',
    doc: 'https://support.google.com/mail/answer/7126229',
  },
  {
    id: 'icloud', name: 'iCloud Mail', host: 'smtp.mail.me.com', port: 587, security: 'starttls', auth: 'app-password',
    note: 'Mot de passe spécifique à l’app requis (identifiant Apple avec double authentification).',
    doc: 'https://support.apple.com/102525',
  },
  {
    id: 'free', name: 'Free', host: 'smtp.free.fr', port: 465, security: 'ssl', alternative: { port: 587, security: 'starttls' }, auth: 'password',
    note: 'L’accès SMTP authentifié doit être activé dans l’espace abonné Free (paramètres de l’adresse).',
    doc: 'https://assistance.free.fr/articles/parametrer-votre-logiciel-de-messagerie-74',
  },
  {
    id: 'laposte', name: 'La Poste (laposte.net)', host: 'smtp.laposte.net', port: 465, security: 'ssl', auth: 'password',
    note: 'L’accès par logiciel de messagerie doit être autorisé dans les préférences laposte.net.',
    doc: 'https://aide.laposte.net/contact/laposte-net/parametres-de-configuration',
  },
];
