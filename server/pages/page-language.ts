import type { Request } from 'express';

/** The page language for a request: French when the browser prefers it to English, else English. */
export function pageLanguage(req: Request): 'en' | 'fr' {
  return req.acceptsLanguages('en', 'fr') === 'fr' ? 'fr' : 'en';
}
