import type { PlaceholderMeaning } from './placeholders';
import type { TemplateDefinition } from './types';

const placeholders: Record<string, PlaceholderMeaning> = { nom: 'memberFullNameFirstLast', prenom: 'memberFirstName', document: 'fileName', organisation: 'organisationOrStructure' };

/** Sending a member's document as an attachment (POST /documents/:id/send): one template per kind. */
export const documentTemplates: TemplateDefinition[] = [
  { key: 'document.quote', description: 'A quote sent to a member', placeholders, defaults: { subject: 'Votre devis — &organisation', text: 'Bonjour &prenom,\n\nVeuillez trouver ci-joint votre devis (&document).\n\nCordialement,\n&organisation' } },
  { key: 'document.order', description: 'An order form or confirmation sent to a member', placeholders, defaults: { subject: 'Votre bon de commande — &organisation', text: 'Bonjour &prenom,\n\nVeuillez trouver ci-joint votre bon de commande (&document).\n\nCordialement,\n&organisation' } },
  { key: 'document.invoice', description: 'An invoice sent to a member', placeholders, defaults: { subject: 'Votre facture — &organisation', text: 'Bonjour &prenom,\n\nVeuillez trouver ci-joint votre facture (&document).\n\nCordialement,\n&organisation' } },
  { key: 'document.other', description: 'Any other document sent to a member', placeholders, defaults: { subject: 'Document de &organisation', text: 'Bonjour &prenom,\n\nVeuillez trouver ci-joint le document &document.\n\nCordialement,\n&organisation' } },
];
