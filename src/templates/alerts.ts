import type { TemplateDefinition } from './types';

/** Mails to staff when a message could not be delivered. */
export const alertTemplates: TemplateDefinition[] = [
  {
    key: 'alert.failure',
    description: 'To the alert addresses when a message ends failed or bounced',
    placeholders: { destinataire: 'recipient address', statut: 'failed or bounced', raison: 'reason given by the mail server', sujet: 'subject of the message', date: 'when it was sent', identifiant: 'sent-mail id in Mailroom', lien: 'log entry URL' },
    defaults: {
      subject: 'Message non remis à &destinataire',
      text:
        'Le message « &sujet » (&date) n’a pas pu être remis à &destinataire.\n\n' +
        'Statut : &statut\nRaison : &raison\n\n' +
        'Vérifiez l’adresse dans la fiche du membre puis renvoyez le message. Journal : &lien\n',
    },
  },
  {
    key: 'alert.digest',
    description: 'Hourly summary of the messages that could not be delivered',
    placeholders: { nombre: 'number of messages', liste: 'one line per message', periode: 'the hour covered' },
    defaults: {
      subject: '&nombre message(s) non remis (&periode)',
      text: 'Ces messages n’ont pas pu être remis (&periode) :\n\n&liste\n\nVérifiez les adresses concernées dans les fiches des membres.\n',
    },
  },
];
