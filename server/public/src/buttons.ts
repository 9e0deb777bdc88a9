/**
 * The pages' small action buttons: a short visible text (a word or a symbol) and a label that
 * says what it does, for screen readers (aria-label) and on hover (title).
 */
export function labelledButton(
  className: string,
  text: string,
  label: string,
  run: () => void,
  disabled = false,
): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = text;
  b.title = label;
  b.setAttribute('aria-label', label);
  b.disabled = disabled;
  b.addEventListener('click', run);
  return b;
}
