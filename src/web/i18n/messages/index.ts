// Every catalogue, by locale. A Record over Locale: adding a locale without its catalogue fails to compile.
import type { Locale } from '../locales.js';
import { de } from './de.js';
import { en, type Messages } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { ja } from './ja.js';
import { ko } from './ko.js';
import { ptBR } from './pt-BR.js';
import { zhHans } from './zh-Hans.js';

export const CATALOGUES: Readonly<Record<Locale, Messages>> = {
  en,
  de,
  fr,
  es,
  ja,
  ko,
  'zh-Hans': zhHans,
  'pt-BR': ptBR,
};
