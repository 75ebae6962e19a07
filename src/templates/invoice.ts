import type { TemplateDefinition } from './types';

/** The mail that carries a monthly invoice; editable per structure. */
export const invoiceTemplates: TemplateDefinition[] = [
  {
    key: 'invoice',
    description: 'Monthly invoice sent to a resident and/or their guardian (invoice batches)',
    placeholders: {
      personne: 'resident',
      periode: 'periodInWords',
      numero: 'invoiceNumber',
      montant: 'amount',
      structure: 'structureName',
    },
    defaults: {
      subject: 'Facture &numero — &periode',
      text: 'Madame, Monsieur,\n\nVous trouverez ci-joint la facture de &personne pour la période de &periode (&montant).\n\nCordialement,\n&structure',
    },
  },
];
