import type { PlaceholderMeaning } from './placeholders';

/** A mail template: subject and text with `&placeholder` words, optional HTML. */
export interface TemplateContent {
  subject: string;
  text: string;
  html?: string | null;
}

export interface TemplateDefinition {
  key: string;
  description: string;
  /** Placeholder name (without `&`) → what it stands for (placeholders.ts). Only these may appear. */
  placeholders: Record<string, PlaceholderMeaning>;
  defaults: TemplateContent;
}
