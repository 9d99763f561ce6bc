// Types of scripts/gen-api-docs.mjs for the test that keeps docs/reference/api.md up to date.
export declare const API_REFERENCE: string;
export declare function apiDocument(): Promise<Record<string, unknown>>;
export declare function renderApiReference(doc: Record<string, unknown>): string;
