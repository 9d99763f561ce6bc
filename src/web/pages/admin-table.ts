// Table cells of the admin lists. On a narrow screen the tables turn into stacked rows (admin.css)
// and the column headers are hidden, so every cell carries its column's label in data-label, which
// the stylesheet shows in front of the value.
import { html, type HtmlValue, type SafeHtml } from '../html.js';

export function labelledCell(label: string, content: HtmlValue, className?: string): SafeHtml {
  return className
    ? html`<td data-label="${label}" class="${className}">${content}</td>`
    : html`<td data-label="${label}">${content}</td>`;
}

/** The last column of action buttons: no label, it speaks for itself. */
export function actionsCell(content: HtmlValue): SafeHtml {
  return html`<td class="cell-actions">${content}</td>`;
}
