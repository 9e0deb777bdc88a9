/** Cells of the operator board's line table: text that may be cut with an ellipsis keeps its whole on hover. */
/** A cell whose text may be cut with an ellipsis: the whole text is on hover. */
export function cell(text: string, className = ''): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

export function nameCell(name: string): HTMLTableCellElement {
  const td = cell('', 'name');
  const span = document.createElement('span');
  span.className = 'one-line';
  span.dir = 'auto';
  span.textContent = name;
  span.title = name;
  td.append(span);
  return td;
}
