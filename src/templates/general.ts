import type { TemplateDefinition } from './types';

/** Templates any integration can use through POST /api/v1/emails. */
export const generalTemplates: TemplateDefinition[] = [
  {
    key: 'message',
    description: 'A free message to a member, written by staff',
    placeholders: { nom: 'memberFullName', prenom: 'memberFirstName', message: 'messageBody', organisation: 'organisationName' },
    defaults: {
      subject: 'Message de &organisation',
      text: 'Bonjour &prenom,\n\n&message\n\nCordialement,\n&organisation',
    },
  },
];
