// Deutsch. Keys and parameters: see en.ts.
import { html, type SafeHtml } from '../../html.js';
import type { Messages } from './en.js';

export const de: Messages = {
  language: 'Sprache',
  footer: 'Verteilt mit otaship',
  copy: 'Kopieren',
  copied: 'Kopiert',

  buildOnly: (build: string): string => `Build ${build}`,
  versionLine: (label: string): string => `Version ${label}`,
  qrLabel: 'QR-Code: diese Seite auf dem Smartphone öffnen',
  latestNote: (app: string): SafeHtml => html`Diese Seite bietet immer die neueste Version von ${app} an.`,
  inAppIos: html`<strong>Öffne diese Seite in Safari, um zu installieren.</strong> Dieser In-App-Browser kann keine Apps installieren: Tippe auf <em>•••</em> oder <em>Teilen</em> und wähle <em>In Safari öffnen</em> – oder kopiere den Link und füge ihn in Safari ein.`,
  inAppAndroid: html`<strong>Öffne diese Seite in Chrome, um zu installieren.</strong> Dieser In-App-Browser blockiert eventuell den Download: Tippe auf <em>⋮</em> und wähle <em>Im Browser öffnen</em> – oder kopiere den Link und füge ihn in Chrome ein.`,
  pageLink: 'Link zu dieser Seite',
  copyLink: 'Link kopieren',
  copyByHand: 'Markiert: mit der Tastatur oder durch langes Drücken kopieren',
  otherBrowser: html`<strong>Passiert nichts? Dann öffne diese Seite in Safari.</strong> Andere Browser unter iOS starten App-Installationen möglicherweise nicht.`,
  mismatchIos: html`<strong>Das ist ein iOS-Build.</strong> Er lässt sich nicht auf Android installieren: Öffne diese Seite auf einem iPhone oder iPad.`,
  mismatchAndroid: html`<strong>Das ist ein Android-Build (.apk).</strong> iPhones und iPads können ihn nicht installieren: Öffne diese Seite auf einem Android-Gerät.`,
  wrongFamily: (families: string): SafeHtml =>
    html`<strong>Dein Gerätetyp ist in diesem Build nicht vorgesehen</strong> (er ist für ${families}). iOS verweigert die Installation möglicherweise.`,
  appStore: html`<strong>Dieser Build ist für den App Store signiert und kann nicht drahtlos installiert werden.</strong> Bitte die Entwickler um einen Ad-hoc-, Development- oder Enterprise-Build.`,
  profileExpired: (date: SafeHtml): SafeHtml =>
    html`<strong>Das Provisioning-Profil ist am ${date} abgelaufen.</strong> iOS wird diesen Build nicht installieren („App kann nicht geladen werden“), und eine bereits installierte Kopie startet nicht mehr. Bitte die Entwickler um einen neu signierten Build.`,
  profileExpiring: (when: string, date: SafeHtml): SafeHtml =>
    html`<strong>Das Provisioning-Profil läuft ${when} ab</strong> (${date}). Danach lässt sich die App nicht mehr öffnen.`,
  insecure: html`<strong>Dieser Server verwendet kein https.</strong> iOS installiert Apps nur von https-Adressen mit vertrauenswürdigem Zertifikat, daher schlägt die Schaltfläche „Installieren“ fehl („Keine Verbindung möglich“). Der Administrator muss eine öffentliche https-URL festlegen (OTASHIP_PUBLIC_URL) – siehe Serverdokumentation.`,
  caHint: (url: string): SafeHtml =>
    html`Dieser Server verwendet eine eigene Zertifizierungsstelle. <a href="${url}">Vertraue vor der Installation dem otaship-Zertifikat</a> auf deinem Gerät.`,

  installSection: 'Installieren',
  installButton: 'Installieren',
  downloadApk: 'APK herunterladen',
  installAfterIos: html`Tippe auf <em>Installieren</em>, wenn iOS nachfragt, und verfolge den Download dann auf dem Home-Bildschirm.`,
  installAfterAndroid: (size: string): string => `${size} · Öffne die Datei, sobald der Download fertig ist.`,
  desktopHintIos: 'Öffne diese Seite zum Installieren auf deinem iPhone oder iPad: Scanne den Code mit der Kamera.',
  desktopHintAndroid: 'Öffne diese Seite zum Installieren auf deinem Android-Gerät: Scanne den Code mit der Kamera.',
  qrCaptionIos: 'Mit der Kamera des iPhone oder iPad scannen, um diese Seite zu öffnen.',
  qrCaptionAndroid: 'Mit der Kamera des Smartphones scannen, um diese Seite zu öffnen.',
  releaseNotes: 'Versionshinweise',
  details: 'Details',
  trouble: 'Probleme bei der Installation?',
  otherReleases: 'Andere Versionen',
  latestLink: (app: string): string => `Immer die neueste Version von ${app} →`,

  hintSafari: html`<strong>Verwende Safari.</strong> In-App-Browser (Gmail, Slack, WeChat, Facebook, Instagram, LinkedIn, LINE, Telegram …) können keine Installation starten: Tippe auf <em>Teilen</em> oder <em>•••</em> und wähle <em>In Safari öffnen</em> – oder kopiere den Link dieser Seite in Safari:`,
  hintUdid: (count: string | null, ask: SafeHtml): SafeHtml =>
    html`<strong>„App kann nicht geladen werden“?</strong> Dieser Build lässt sich nur auf Geräten installieren, die in seinem Provisioning-Profil eingetragen sind${count === null ? '' : ` (${count})`}. ${ask}`,
  registerAsk: (url: string): SafeHtml =>
    html`<a class="register-device" href="${url}">Registriere dieses Gerät</a>, um seine UDID an die Entwickler zu senden, und bitte dann um einen neuen Build.`,
  sendUdidAsk: html`Schicke den Entwicklern die UDID deines Geräts (am Mac: Gerät anschließen, im Finder auswählen und auf die Zeile unter seinem Namen klicken, bis die UDID erscheint) und bitte um einen neuen Build.`,
  hintDevMode: html`<strong>Ab iOS 16:</strong> Aktiviere den <em>Entwicklermodus</em> (Einstellungen › Datenschutz &amp; Sicherheit › Entwicklermodus), starte neu und bestätige. Der Schalter erscheint erst, nachdem du die App einmal zu öffnen versucht hast.`,
  hintEnterprise: (team: string | null): SafeHtml =>
    html`<strong>„Nicht vertrauenswürdiger Unternehmensentwickler“?</strong> Öffne Einstellungen › Allgemein › VPN und Geräteverwaltung, tippe auf den Entwickler${team === null ? '' : ` „${team}“`} und wähle <em>Vertrauen</em>. Unter iOS 18 verlangt das Gerät eventuell einen Neustart, bevor das Vertrauen wirksam wird.`,
  hintSameVersion: html`<strong>Nach dem Tippen auf „Installieren“ passiert nichts?</strong> Ist genau diese Version schon installiert, zeigt iOS eventuell keine Abfrage: Lösche die App zuerst oder bitte um einen Build mit neuer Build-Nummer. Schau auch auf den Home-Bildschirm: Die App wird dort geladen, nicht im Browser.`,
  hintIpad: html`<strong>iPad:</strong> Safari fordert eventuell die Desktop-Website an; die Installation funktioniert trotzdem – verwende die Schaltfläche „Installieren“.`,
  androidAllow: html`<strong>Installation erlauben.</strong> Wenn Android nachfragt, erlaube deinem Browser, unbekannte Apps zu installieren (Einstellungen › Apps › Spezieller App-Zugriff › Unbekannte Apps installieren), und öffne dann die heruntergeladene Datei.`,
  androidNotInstalled: html`<strong>„App wurde nicht installiert“?</strong> Es ist bereits eine App mit demselben Paketnamen installiert, die mit einem anderen Schlüssel signiert wurde: Deinstalliere sie zuerst. Auch ein niedrigerer Versionscode als der installierte wird abgelehnt.`,
  androidInApp: html`<strong>In-App-Browser</strong> (Gmail, Slack, WeChat …) blockieren eventuell Downloads: Öffne diese Seite in Chrome.`,

  bundleId: 'Bundle-ID',
  packageName: 'Paket',
  version: 'Version',
  build: 'Build',
  versionCode: 'Versionscode',
  size: 'Größe',
  published: 'Veröffentlicht',
  builtBy: 'Gebaut von',
  requiresIos: 'Erfordert iOS',
  minSdk: 'Min. SDK',
  devices: 'Geräte',
  profile: 'Profil',
  team: 'Team',
  devicesInProfile: 'Geräte im Profil',
  profileExpires: 'Profil läuft ab',
  expired: 'abgelaufen',
  phone: 'Smartphone',
  profileTypes: {
    development: 'Development',
    'ad-hoc': 'Ad hoc',
    enterprise: 'Enterprise (unternehmensintern)',
    'app-store': 'App Store',
  },
  deviceCount: { one: '{n} Gerät', other: '{n} Geräte' },
  inDays: { one: 'in {n} Tag', other: 'in {n} Tagen' },
  daysAgo: { one: 'vor {n} Tag', other: 'vor {n} Tagen' },
  withinDay: 'innerhalb eines Tages',
  today: 'heute',

  udidTitle: 'Dieses Gerät registrieren',
  udidHeading: 'Dieses iPhone oder iPad registrieren',
  udidIntro: 'Test-Builds mit Development- oder Ad-hoc-Signatur lassen sich nur auf Geräten installieren, die in ihrem Provisioning-Profil eingetragen sind. Registriere dieses Gerät hier, dann kann das Team es in den nächsten Build aufnehmen.',
  udidSafari: html`Öffne diese Seite in <strong>Safari auf dem Gerät, das du registrieren möchtest</strong>: Andere Browser und In-App-Browser können keine Profile installieren.`,
  udidStepDownload: (url: string): SafeHtml =>
    html`<strong>Profil laden:</strong> <a class="button button-primary" href="${url}">Registrierungsprofil laden</a> und auf <em>Erlauben</em> tippen.`,
  udidStepInstall: html`<strong>Innerhalb weniger Minuten installieren:</strong> Öffne die Einstellungen, tippe oben auf <em>Profil geladen</em> (oder Allgemein › VPN und Geräteverwaltung) und dann auf <em>Installieren</em>. iOS kennzeichnet das Profil als <em>Nicht überprüft</em>, weil es nicht signiert ist; das ist normal.`,
  udidStepDone: (host: string): SafeHtml =>
    html`<strong>Fertig:</strong> iOS sendet die Kennungen des Geräts an ${host} und öffnet Safari mit einer Seite, die seine UDID zeigt.`,
  udidWhatSent: 'Was gesendet wird',
  udidWhatSentBody: (host: string): SafeHtml =>
    html`UDID, Modell (zum Beispiel iPhone16,1), iOS-Version, Seriennummer und Gerätename – ausschließlich an ${host}. Auf dem Gerät bleibt nichts installiert: Das Profil fragt diese Angaben nur einmal ab.`,
  udidDoneTitle: 'Gerät registriert',
  udidDoneHeading: 'Dieses Gerät ist registriert',
  udidDoneBody: 'Danke. Das Team kann dieses Gerät jetzt in seine Test-Builds aufnehmen; du kannst sie installieren, sobald ein Build veröffentlicht ist, der es enthält.',
  model: 'Modell',
  deviceName: 'Name',
  nothingInstalled: 'Auf diesem Gerät wurde nichts installiert.',

  caTitle: 'Diesem Server vertrauen',
  caHeading: 'Dem Zertifikat dieses Servers vertrauen',
  caIntro: (url: string): SafeHtml =>
    html`Dieser otaship-Server (<code>${url}</code>) verwendet eine eigene Zertifizierungsstelle. iPhones und iPads installieren Apps nur von Servern, denen sie vertrauen – erledige dies daher einmal pro Gerät:`,
  caStepDownload: (url: string): SafeHtml =>
    html`<strong>Profil in Safari laden:</strong> <a class="button button-primary" href="${url}">CA-Profil laden</a> und auf <em>Erlauben</em> tippen.`,
  caStepInstall: html`<strong>Installieren:</strong> Öffne Einstellungen › Allgemein › VPN und Geräteverwaltung (oder den Eintrag <em>Profil geladen</em> oben in den Einstellungen), tippe auf das Profil und dann auf <em>Installieren</em>.`,
  caStepTrust: html`<strong>Volles Vertrauen aktivieren:</strong> Einstellungen › Allgemein › Info › Zertifikatsvertrauenseinstellungen, dort die otaship-CA einschalten. Ohne diesen Schritt schlagen Installationen weiterhin fehl.`,
  caOther: (url: string): SafeHtml =>
    html`Auf einem Computer oder Android-Gerät lade stattdessen das Zertifikat: <a href="${url}">ca.crt</a>.`,
  caFingerprint: 'Prüfe den SHA-256-Fingerabdruck des Zertifikats, bevor du ihm vertraust:',

  errorTitles: {
    400: 'Ungültige Anfrage',
    401: 'Anmeldung erforderlich',
    403: 'Link ungültig',
    404: 'Nicht gefunden',
    413: 'Zu groß',
    422: 'Kann nicht verarbeitet werden',
    429: 'Zu viele Anfragen',
    500: 'Serverfehler',
    503: 'Vorübergehend nicht verfügbar',
  },
  errorOther: 'Anfrage fehlgeschlagen',
  errorCode: (status: number, code: string): string => `Fehler ${status} · ${code}`,
  errorAdvice: {
    TOKEN_INVALID: 'Dieser Link ist ungültig. Bitte die Person, die ihn geschickt hat, um einen neuen Installationslink.',
    TOKEN_MISSING: 'Dieser Link ist unvollständig. Öffne die Installationsseite erneut über den Link, den du bekommen hast.',
    TOKEN_EXPIRED: 'Dieser Link ist abgelaufen. Öffne die Installationsseite erneut über den Link, den du bekommen hast, um einen neuen zu erhalten.',
    NOT_FOUND: 'Unter dieser Adresse gibt es nichts. Der Build wurde vielleicht entfernt: Bitte um einen aktuellen Link.',
    DEVICE_REGISTRATION: 'Das Gerät konnte nicht registriert werden. Öffne die Registrierungsseite in Safari auf dem iPhone oder iPad und installiere das Profil erneut.',
    TOO_MANY_REQUESTS: 'Zu viele Versuche in kurzer Zeit. Warte eine Minute und versuche es dann erneut.',
    UNAVAILABLE: 'Der Server ist ausgelastet oder wird gewartet. Versuche es in ein paar Minuten erneut.',
  },
  errorDetails: 'Details',

  passcodeIntro: 'Dieser Link ist durch einen Code geschützt: Gib den Code ein, den du bekommen hast, um den Build zu sehen.',
  passcodeLabel: 'Code',
  passcodeOpen: 'Öffnen',
  passcodeWrong: 'Dieser Code stimmt nicht. Prüfe ihn und versuche es erneut.',
};
