/**
 * The operator board's list of actions waiting out their Undo time: what each will do, in how many
 * seconds, and its Undo and "Do it now" buttons. Apart from operator.ts because it only draws.
 */
import { labelledButton } from './buttons.js';
import { t, tn } from './i18n.js';
import type { PendingActions } from './pending-actions.js';

export function renderPendingList(list: HTMLElement, pending: PendingActions): void {
  const button = (label: string, run: () => void) => labelledButton('button small', label, label, run);
  list.replaceChildren(
    ...pending.list().map((p) => {
      const li = document.createElement('li');
      const text = document.createElement('span');
      text.className = 'pending-text';
      text.textContent = `${p.text} `;
      const when = document.createElement('span');
      when.className = 'pending-when';
      when.textContent = tn('op.pendingIn', p.secondsLeft);
      li.dataset.key = p.key;
      li.append(
        text,
        when,
        button(t('op.undo'), () => pending.undo(p.key)),
        button(t('op.doNow'), () => void pending.now(p.key)),
      );
      return li;
    }),
  );
}
