import type { TemplateDefinition } from './types';

/** Mails to staff when a message could not be delivered. */
export const alertTemplates: TemplateDefinition[] = [
  {
    key: 'alert.failure',
    description: 'To the alert addresses when a message ends failed or bounced',
    placeholders: { destinataire: 'recipientAddress', statut: 'alertStatus', raison: 'alertReason', conseil: 'alertAdvice', sujet: 'messageSubject', date: 'sentAt', identifiant: 'sentMailId', lien: 'logUrl' },
    defaults: {
      subject: 'Message non remis à &destinataire',
      text:
        'Le message « &sujet » (&date) n’a pas pu être remis à &destinataire.\n\n' +
        'Statut : &statut\nRaison : &raison\n\n' +
        '&conseil Journal : &lien\n',
    },
  },
  {
    key: 'alert.digest',
    description: 'Hourly summary of the messages that could not be delivered',
    placeholders: { nombre: 'messageCount', liste: 'messageLines', periode: 'hourCovered' },
    defaults: {
      subject: '&nombre message(s) non remis (&periode)',
      text: 'Ces messages n’ont pas pu être remis (&periode) :\n\n&liste\n\nSeules les adresses inexistantes sont marquées invalides dans les fiches des membres ; les autres refus (boîte pleine, filtre, authentification de nos envois) sont indiqués par leur raison.\n',
    },
  },
];
