// The web layer: pure HTML renderers (no HTTP framework here; routes live in src/server/routes).
export { html, raw, escapeHtml, jsonForScript, SafeHtml } from './html.js';
export type { HtmlValue } from './html.js';
export { renderMarkdown, isSafeLink } from './markdown.js';
export { qrSvg } from './qr.js';
export { humanSize, formatDate, formatDateTime, daysUntil } from './format.js';
export { layout } from './layout.js';
export { renderInstallPage, profileNotices, versionLabel, EXPIRY_WARNING_DAYS } from './pages/install.js';
export { renderErrorPage } from './pages/error.js';
export { renderCaPage } from './pages/ca.js';
export { renderLoginPage } from './pages/admin-login.js';
export { renderAdminAppsPage, renderAdminAppPage } from './pages/admin-apps.js';
export { renderAdminTokensPage } from './pages/admin-tokens.js';
export { renderAdminDevicesPage } from './pages/admin-devices.js';
export { renderAdminWebhooksPage } from './pages/admin-webhooks.js';
export { renderUdidPage, renderUdidDonePage } from './pages/udid.js';
export type * from './view-models.js';
export { LOCALES, DEFAULT_LOCALE, negotiateLocale, matchLocale, formatter, i18n, DEFAULT_PAGE_LANGUAGE } from './i18n/index.js';
export type { Locale, PageLanguage, LanguageLink, Messages, Formatter } from './i18n/index.js';
