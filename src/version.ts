// Kept in step with package.json by hand at release time; read here so the CLI need not load JSON.
export const VERSION = '0.1.0';
