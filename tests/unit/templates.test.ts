import { placeholdersIn, renderTemplate, validateTemplate } from '../../src/templates/render';
import type { TemplateDefinition } from '../../src/templates/types';
import { AppError } from '../../src/shared/errors';

const def: TemplateDefinition = {
  key: 'demo',
  description: 'demo',
  placeholders: { personne: 'resident', periode: 'periodInWords' },
  defaults: { subject: 'Facture &periode', text: 'Bonjour &personne' },
};

describe('templates with &placeholders', () => {
  it('fills placeholders in subject, text and html, escaping values in html only', () => {
    const out = renderTemplate(
      def,
      { subject: 'Facture &periode', text: 'Facture de &personne pour &periode.', html: '<p>Facture de &personne&nbsp;: &eacute;t&eacute;</p>' },
      { personne: 'MAILLY <Josiane>', periode: 'septembre 2024' },
    );
    expect(out.subject).toBe('Facture septembre 2024');
    expect(out.text).toBe('Facture de MAILLY <Josiane> pour septembre 2024.');
    expect(out.html).toBe('<p>Facture de MAILLY &lt;Josiane&gt;&nbsp;: &eacute;t&eacute;</p>');
  });

  it('never lets a value break the subject into a new header line', () => {
    expect(renderTemplate(def, def.defaults, { periode: 'x\r\nBcc: victim@example.org' }).subject).toBe('Facture x Bcc: victim@example.org');
  });

  it('refuses an unknown placeholder when saved, listing the valid ones', () => {
    let error: AppError | undefined;
    try {
      validateTemplate(def, { subject: 'Facture &mois', text: 'Bonjour &personne &nom' });
    } catch (err) {
      error = err as AppError;
    }
    expect(error?.code).toBe('VALIDATION_FAILED');
    expect(error?.errors).toEqual([
      { field: 'subject', reason: 'unknown placeholder &mois; valid placeholders: &personne, &periode', code: 'UNKNOWN_PLACEHOLDER', params: { unknown: '&mois', valid: '&personne, &periode' } },
      { field: 'text', reason: 'unknown placeholder &nom; valid placeholders: &personne, &periode', code: 'UNKNOWN_PLACEHOLDER', params: { unknown: '&nom', valid: '&personne, &periode' } },
    ]);
  });

  it('does not mistake HTML entities for placeholders', () => {
    expect(placeholdersIn('<b>&amp; &eacute;</b> &personne')).toEqual(['personne']);
    expect(() => validateTemplate(def, { subject: 's', text: 't', html: '&laquo;&nbsp;&personne&nbsp;&raquo;' })).not.toThrow();
  });
});
