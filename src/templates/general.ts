import type { TemplateDefinition } from './types';

/** Templates any integration can use through POST /api/v1/emails. */
export const generalTemplates: TemplateDefinition[] = [
  {
    key: 'message',
    description: 'A free message to a member, written by staff',
    placeholders: { nom: 'member full name', prenom: 'member first name', message: 'the message body', organisation: 'organisation name' },
    defaults: {
      subject: 'Message de &organisation',
      text: 'Bonjour &prenom,\n\n&message\n\nCordialement,\n&organisation',
    },
  },
];
