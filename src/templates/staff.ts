import type { TemplateDefinition } from './types';

/** Mails to the organisation's staff users (console accounts). */
export const staffTemplates: TemplateDefinition[] = [
  {
    key: 'staff.invitation',
    description: 'Invitation to the staff console (the link sets the password)',
    placeholders: { nom: 'invitedName', organisation: 'organisationName', lien: 'singleUseLink', echeance: 'linkExpiry' },
    defaults: {
      subject: 'Invitation à rejoindre &organisation sur Mailroom',
      text: 'Bonjour &nom,\n\nVous êtes invité(e) à utiliser la console Mailroom de &organisation.\nChoisissez votre mot de passe en ouvrant ce lien (une seule fois, jusqu’au &echeance) :\n&lien\n',
    },
  },
  {
    key: 'staff.password-reset',
    description: 'Staff console: password reset link',
    placeholders: { nom: 'userName', organisation: 'organisationName', lien: 'singleUseLink', minutes: 'linkMinutes' },
    defaults: {
      subject: 'Réinitialisation de votre mot de passe Mailroom',
      text: 'Bonjour &nom,\n\nPour choisir un nouveau mot de passe pour la console Mailroom de &organisation, ouvrez ce lien (valable &minutes minutes, une seule fois) :\n&lien\n\nSi vous n’avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.\n',
    },
  },
];
