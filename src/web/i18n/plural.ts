// Plural messages: one text per CLDR plural category the language uses ("{n}" is replaced by the
// formatted number). `other` is required everywhere; the test of the catalogues checks that each
// locale gives every category Intl.PluralRules reports for it (e.g. French `many` for 1 000 000).
export type Plural = Partial<Record<Exclude<Intl.LDMLPluralRule, 'other'>, string>> & { other: string };
