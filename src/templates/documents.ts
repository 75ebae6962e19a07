import type { TemplateDefinition } from './types';

const placeholders = { nom: 'member full name (Firstname LASTNAME)', prenom: 'member first name', document: 'file name', organisation: 'organisation or structure name' };

/** Sending a member's document as an attachment (POST /documents/:id/send): one template per kind. */
export const documentTemplates: TemplateDefinition[] = [
  { key: 'document.quote', description: 'A quote sent to a member', placeholders, defaults: { subject: 'Votre devis — &organisation', text: 'Bonjour &prenom,\n\nVeuillez trouver ci-joint votre devis (&document).\n\nCordialement,\n&organisation' } },
  { key: 'document.order', description: 'An order form or confirmation sent to a member', placeholders, defaults: { subject: 'Votre bon de commande — &organisation', text: 'Bonjour &prenom,\n\nVeuillez trouver ci-joint votre bon de commande (&document).\n\nCordialement,\n&organisation' } },
  { key: 'document.invoice', description: 'An invoice sent to a member', placeholders, defaults: { subject: 'Votre facture — &organisation', text: 'Bonjour &prenom,\n\nVeuillez trouver ci-joint votre facture (&document).\n\nCordialement,\n&organisation' } },
  { key: 'document.other', description: 'Any other document sent to a member', placeholders, defaults: { subject: 'Document de &organisation', text: 'Bonjour &prenom,\n\nVeuillez trouver ci-joint le document &document.\n\nCordialement,\n&organisation' } },
];
