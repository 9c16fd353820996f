import type { Title } from './bundle.js';

/**
 * A form field's title for portals, as JSON Schema annotations (`.meta(fieldTitle(…))`): `title`
 * in both languages for any renderer, `x-title` with each language apart for a portal that shows
 * one.
 */
export function fieldTitle(title: Title): { title: string; 'x-title': Title } {
  return { title: `${title.zh} / ${title.en}`, 'x-title': title };
}
