/**
 * Languages of the pages: the server picks English or French from `Accept-Language` and writes it
 * into `<html lang>`; a switch on the page overrides it (kept in localStorage). Strings come from
 * one catalogue per language; plurals use `Intl.PluralRules`, times `Intl.RelativeTimeFormat` and
 * `Intl.DateTimeFormat` — the platform does the language rules, so no i18n library is bundled.
 */
import { en, type Catalogue, type MessageKey } from './i18n/en.js';
import { fr } from './i18n/fr.js';

const CATALOGUES: Readonly<Record<Lang, Catalogue>> = { en, fr };
export type Lang = 'en' | 'fr';
export const LANGS: readonly Lang[] = ['en', 'fr'];
const STORAGE_KEY = 'nph.lang';

type Params = Readonly<Record<string, string | number>>;
export type TextKey = { [K in MessageKey]: Catalogue[K] extends string ? K : never }[MessageKey];
export type PluralKey = Exclude<MessageKey, TextKey>;

const isLang = (v: unknown): v is Lang => v === 'en' || v === 'fr';

function initialLang(): Lang {
  // `?lang=fr` for screens nobody touches (a projector), then the visitor's own choice.
  const asked = new URLSearchParams(location.search).get('lang');
  if (isLang(asked)) return asked;
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // Storage can be off (private mode): the server's choice stands.
  }
  return document.documentElement.lang.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

let lang: Lang = initialLang();
const listeners = new Set<() => void>();

export const currentLang = (): Lang => lang;

function fill(template: string, params: Params | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** The message `key` in the current language, with `{placeholders}` filled from data. */
export function t(key: TextKey, params?: Params): string {
  return fill(CATALOGUES[lang][key], params);
}

/** The plural form of `key` that fits `count` in the current language (`{count}` is filled in). */
export function tn(key: PluralKey, count: number, params?: Params): string {
  const forms = CATALOGUES[lang][key];
  const rule = new Intl.PluralRules(lang).select(count);
  return fill(forms[rule] ?? forms.other, { count: new Intl.NumberFormat(lang).format(count), ...params });
}

/** "in 3 minutes" / "dans 3 minutes": seconds from now, rounded to a unit people read at a glance. */
export function inTime(seconds: number): string {
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  if (seconds < 60) return rtf.format(Math.max(5, Math.round(seconds / 5) * 5), 'second');
  if (seconds < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  return rtf.format(Math.round(seconds / 360) / 10, 'hour');
}

/** "2 minutes ago" / "il y a 2 minutes". */
export function agoTime(seconds: number): string {
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  if (seconds < 60) return rtf.format(-Math.max(0, Math.round(seconds)), 'second');
  if (seconds < 3600) return rtf.format(-Math.round(seconds / 60), 'minute');
  return rtf.format(-Math.round(seconds / 3600), 'hour');
}

/** A wall-clock time (hours and minutes) in the current language. */
export function clockTime(epochMs: number): string {
  return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(epochMs);
}

/**
 * Fills every element marked `data-i18n` (text), `data-i18n-label` (aria-label), `data-i18n-title`
 * and `data-i18n-alt` from the catalogue.
 */
export function applyStaticText(root: ParentNode = document): void {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as TextKey);
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-label]'))
    el.setAttribute('aria-label', t(el.dataset.i18nLabel as TextKey));
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-title]'))
    el.title = t(el.dataset.i18nTitle as TextKey);
  for (const el of root.querySelectorAll<HTMLImageElement>('img[data-i18n-alt]'))
    el.alt = t(el.dataset.i18nAlt as TextKey);
}

/** Runs `render` now and again after every language switch. */
export function onLanguage(render: () => void): void {
  listeners.add(render);
  render();
}

export function setLang(next: Lang): void {
  if (next === lang) return;
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered across visits; the switch still works for this page.
  }
  applyStaticText();
  for (const render of listeners) render();
}

/** Buttons to switch language, each labelled in its own language. */
export function languageSwitch(container: HTMLElement): void {
  container.setAttribute('role', 'group');
  container.dataset.i18nLabel = 'lang.switch';
  const buttons = LANGS.map((code) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'lang-button';
    b.lang = code;
    b.textContent = code.toUpperCase();
    b.title = CATALOGUES[code]['lang.name'];
    b.setAttribute('aria-label', CATALOGUES[code]['lang.name']);
    b.addEventListener('click', () => setLang(code));
    return b;
  });
  container.replaceChildren(...buttons);
  onLanguage(() => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.lang === lang));
  });
}

/** Set up a page: static strings now, and the document title from `titleKey`. */
export function startI18n(titleKey: TextKey): void {
  applyStaticText();
  onLanguage(() => {
    document.title = `${t(titleKey)} — nowplaying-hub`;
  });
}
