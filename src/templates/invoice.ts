import type { TemplateDefinition } from './types';

/** The mail that carries a monthly invoice; editable per structure. */
export const invoiceTemplates: TemplateDefinition[] = [
  {
    key: 'invoice',
    description: 'Monthly invoice sent to a resident and/or their guardian (invoice batches)',
    placeholders: {
      personne: 'the resident, as LASTNAME Firstname (e.g. MAILLY Josiane)',
      periode: 'the period in words (e.g. septembre 2024)',
      numero: 'invoice number',
      montant: 'amount including tax, formatted',
      structure: 'structure name',
    },
    defaults: {
      subject: 'Facture &numero — &periode',
      text: 'Madame, Monsieur,\n\nVous trouverez ci-joint la facture de &personne pour la période de &periode (&montant).\n\nCordialement,\n&structure',
    },
  },
];
