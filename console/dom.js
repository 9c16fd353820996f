// Every value reaches the page as a text node or an attribute, never as markup: data from
// departments and applicants cannot become HTML or script.

/** @typedef {import('./dom-types').Child} Child */
/** @typedef {Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>} Props */

/**
 * @param {Element} node
 * @param {Props} props `on<event>` keys are listeners; `true` sets an empty attribute; null, undefined and false set none.
 * @param {Child[]} children
 */
function fill(node, props, children) {
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  append(node, children);
  return node;
}

/**
 * @param {Node} node
 * @param {Child[]} children
 */
export function append(node, children) {
  for (const child of children) {
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else if (child !== null && child !== undefined && child !== false)
      node.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * An HTML element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {Child[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  fill(node, props, children);
  return node;
}

/**
 * An SVG element.
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {Child[]} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, props = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  fill(node, props, children);
  return node;
}

/**
 * A link's address only if it is http(s): a `javascript:` URL from data must never be clickable.
 * @param {string} url
 */
export function safeHttpUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

let fieldCount = 0;

/**
 * A labelled form field. The label names only the control (a hint beside it is not part of the
 * name), so screen readers and tests find the control by its label.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function field(label, control, hint) {
  if (!control.id) control.id = `field-${++fieldCount}`;
  return el(
    'div',
    { class: 'field' },
    el('label', { for: control.id }, label),
    control,
    hint ? el('small', {}, hint) : null,
  );
}

/**
 * A list table: a header row, then a row of cells per item.
 * @param {string[]} headings
 * @param {Child[][]} rows
 * @param {Props} [props]
 */
export const table = (headings, rows, props = {}) =>
  el(
    'table',
    { class: 'list', ...props },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headings.map((h) => el('th', {}, h)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((cells) =>
        el(
          'tr',
          {},
          cells.map((c) => el('td', {}, c)),
        ),
      ),
    ),
  );

/**
 * Facts as terms and their values.
 * @param {Array<[string, Child]>} pairs
 */
export const facts = (pairs) =>
  el(
    'dl',
    { class: 'facts' },
    pairs.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]),
  );

/**
 * A wide table's own scroll box, so the page never scrolls sideways on a small screen: focusable
 * and named, so a keyboard can scroll it and a screen reader says what it holds.
 * @param {string} label
 * @param {Child[]} children
 */
export const scrollRegion = (label, ...children) =>
  el('div', { class: 'scroll', role: 'region', tabindex: 0, 'aria-label': label }, children);

/**
 * Draws a refreshed part again, unless the keyboard's focus is in it: redrawn, the focused link
 * would vanish and the focus fall back to the top of the page. It catches up at the next refresh
 * after the focus has left.
 * @param {Element} part
 * @param {Array<Node | string>} children
 */
export function redrawUnlessFocused(part, ...children) {
  if (!part.contains(document.activeElement)) part.replaceChildren(...children);
}
