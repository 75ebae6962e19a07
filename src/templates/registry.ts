import { alertTemplates } from './alerts';
import { documentTemplates } from './documents';
import { generalTemplates } from './general';
import { invoiceTemplates } from './invoice';
import { notificationTemplates } from './notifications';
import { staffTemplates } from './staff';
import type { TemplateDefinition } from './types';

/**
 * Every template key Mailroom knows, with its placeholders and French defaults.
 * Each feature contributes its own list from its own file; add yours here.
 */
const all: TemplateDefinition[] = [...generalTemplates, ...documentTemplates, ...invoiceTemplates, ...notificationTemplates, ...alertTemplates, ...staffTemplates];

export const templateRegistry = new Map<string, TemplateDefinition>(all.map((t) => [t.key, t]));
