// Types only, for checking the console's JavaScript: the browser never loads this file. (A JSDoc
// typedef cannot refer to itself, so the recursive one lives here.)

/** What the DOM helpers take as children: nodes, texts, nothing, or lists of them. */
export type Child = Node | string | number | null | undefined | false | Child[];
