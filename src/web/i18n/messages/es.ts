// Español. Keys and parameters: see en.ts.
import { html, type SafeHtml } from '../../html.js';
import type { Messages } from './en.js';

export const es: Messages = {
  language: 'Idioma',
  footer: 'Distribuido con otaship',
  copy: 'Copiar',
  copied: 'Copiado',

  buildOnly: (build: string): string => `build ${build}`,
  versionLine: (label: string): string => `Versión ${label}`,
  qrLabel: 'Código QR: abre esta página en tu teléfono',
  latestNote: (app: string): SafeHtml => html`Esta página siempre ofrece la versión más reciente de ${app}.`,
  inAppIos: html`<strong>Abre esta página en Safari para instalar.</strong> Este navegador integrado no puede instalar apps: toca <em>•••</em> o <em>Compartir</em> y elige <em>Abrir en Safari</em>, o copia el enlace y pégalo en Safari.`,
  inAppAndroid: html`<strong>Abre esta página en Chrome para instalar.</strong> Este navegador integrado puede bloquear la descarga: toca <em>⋮</em> y elige <em>Abrir en el navegador</em>, o copia el enlace y pégalo en Chrome.`,
  pageLink: 'Enlace a esta página',
  copyLink: 'Copiar enlace',
  copyByHand: 'Seleccionado: cópialo con el teclado o manteniendo pulsado',
  otherBrowser: html`<strong>Si no pasa nada, abre esta página en Safari.</strong> Otros navegadores de iOS pueden no iniciar la instalación de apps.`,
  mismatchIos: html`<strong>Esta es una compilación para iOS.</strong> No se puede instalar en Android: abre esta página en un iPhone o iPad.`,
  mismatchAndroid: html`<strong>Esta es una compilación para Android (.apk).</strong> Los iPhone y iPad no pueden instalarla: abre esta página en un dispositivo Android.`,
  wrongFamily: (families: string): SafeHtml =>
    html`<strong>Esta compilación no incluye tu tipo de dispositivo</strong> (es para ${families}). Es posible que iOS se niegue a instalarla.`,
  appStore: html`<strong>Esta compilación está firmada para el App Store y no se puede instalar de forma inalámbrica.</strong> Pide al desarrollador una compilación ad hoc, de desarrollo o empresarial.`,
  profileExpired: (date: SafeHtml): SafeHtml =>
    html`<strong>El perfil de aprovisionamiento caducó el ${date}.</strong> iOS se negará a instalar esta compilación («No se puede descargar la app») y una copia ya instalada dejará de abrirse. Pide al desarrollador una compilación firmada de nuevo.`,
  profileExpiring: (when: string, date: SafeHtml): SafeHtml =>
    html`<strong>El perfil de aprovisionamiento caduca ${when}</strong> (${date}). Después, la app dejará de abrirse.`,
  insecure: html`<strong>Este servidor no usa https.</strong> iOS solo instala apps desde direcciones https con un certificado de confianza, así que el botón Instalar fallará («No se puede conectar»). El administrador debe configurar una URL pública https (OTASHIP_PUBLIC_URL); consulta la documentación del servidor.`,
  caHint: (url: string): SafeHtml =>
    html`Este servidor usa su propia autoridad de certificación. Antes de instalar, <a href="${url}">confía en el certificado de otaship</a> en tu dispositivo.`,

  installSection: 'Instalar',
  installButton: 'Instalar',
  downloadApk: 'Descargar APK',
  installAfterIos: html`Toca <em>Instalar</em> cuando iOS lo pida y luego ve a la pantalla de inicio para ver la descarga.`,
  installAfterAndroid: (size: string): string => `${size} · abre el archivo cuando termine la descarga.`,
  desktopHintIos: 'Abre esta página en tu iPhone o iPad para instalar: escanea el código con la cámara.',
  desktopHintAndroid: 'Abre esta página en tu dispositivo Android para instalar: escanea el código con la cámara.',
  qrCaptionIos: 'Escanéalo con la cámara de tu iPhone o iPad para abrir esta página.',
  qrCaptionAndroid: 'Escanéalo con la cámara de tu teléfono para abrir esta página.',
  releaseNotes: 'Notas de la versión',
  details: 'Detalles',
  trouble: '¿Problemas al instalar?',
  otherReleases: 'Otras versiones',
  latestLink: (app: string): string => `Siempre la versión más reciente de ${app} →`,

  hintSafari: html`<strong>Usa Safari.</strong> Los navegadores integrados en apps (Gmail, Slack, WeChat, Facebook, Instagram, LinkedIn, LINE, Telegram…) no pueden iniciar una instalación: toca <em>Compartir</em> o <em>•••</em> y elige <em>Abrir en Safari</em>, o copia el enlace de esta página en Safari:`,
  hintUdid: (count: string | null, ask: SafeHtml): SafeHtml =>
    html`<strong>¿«No se puede descargar la app»?</strong> Esta compilación solo se instala en los dispositivos incluidos en su perfil de aprovisionamiento${count === null ? '' : ` (${count})`}. ${ask}`,
  registerAsk: (url: string): SafeHtml =>
    html`<a class="register-device" href="${url}">Registra este dispositivo</a> para enviar su UDID al desarrollador y luego pide una nueva compilación.`,
  sendUdidAsk: html`Envía al desarrollador el UDID de tu dispositivo (en un Mac: conecta el dispositivo, selecciónalo en el Finder y haz clic en la línea bajo su nombre hasta que aparezca el UDID) y pide una nueva compilación.`,
  hintDevMode: html`<strong>iOS 16 o posterior:</strong> activa el <em>modo de desarrollador</em> (Ajustes › Privacidad y seguridad › Modo de desarrollador), reinicia y confirma. La opción aparece después de intentar abrir la app por primera vez.`,
  hintEnterprise: (team: string | null): SafeHtml =>
    html`<strong>¿«Desarrollador empresarial no fiable»?</strong> Abre Ajustes › General › VPN y gestión de dispositivos, toca el desarrollador${team === null ? '' : ` «${team}»`} y elige <em>Confiar</em>. En iOS 18 puede que el dispositivo pida reiniciar antes de que la confianza surta efecto.`,
  hintSameVersion: html`<strong>¿No pasa nada al tocar Instalar?</strong> Si esta misma versión ya está instalada, puede que iOS no muestre ningún aviso: borra antes la app o pide una compilación con un nuevo número de build. Mira también la pantalla de inicio: la app se descarga allí, no en el navegador.`,
  hintIpad: html`<strong>iPad:</strong> Safari puede solicitar la versión de escritorio del sitio; la instalación funciona igualmente: usa el botón Instalar.`,
  androidAllow: html`<strong>Permite la instalación.</strong> Cuando Android lo pregunte, permite que tu navegador instale aplicaciones desconocidas (Ajustes › Aplicaciones › Acceso especial de aplicaciones › Instalar aplicaciones desconocidas) y abre el archivo descargado.`,
  androidNotInstalled: html`<strong>¿«No se ha instalado la aplicación»?</strong> Ya hay instalada una aplicación con el mismo nombre de paquete firmada con otra clave: desinstálala primero. Tampoco se acepta un código de versión inferior al instalado.`,
  androidInApp: html`<strong>Los navegadores integrados</strong> (Gmail, Slack, WeChat…) pueden bloquear las descargas: abre esta página en Chrome.`,

  bundleId: 'ID del paquete',
  packageName: 'Paquete',
  version: 'Versión',
  build: 'Build',
  versionCode: 'Código de versión',
  size: 'Tamaño',
  published: 'Publicado',
  builtBy: 'Compilado por',
  requiresIos: 'Requiere iOS',
  minSdk: 'SDK mínimo',
  devices: 'Dispositivos',
  profile: 'Perfil',
  team: 'Equipo',
  devicesInProfile: 'Dispositivos en el perfil',
  profileExpires: 'Caducidad del perfil',
  expired: 'caducado',
  phone: 'Teléfono',
  profileTypes: {
    development: 'Desarrollo',
    'ad-hoc': 'Ad hoc',
    enterprise: 'Empresarial (interno)',
    'app-store': 'App Store',
  },
  deviceCount: { one: '{n} dispositivo', many: '{n} de dispositivos', other: '{n} dispositivos' },
  inDays: { one: 'dentro de {n} día', many: 'dentro de {n} de días', other: 'dentro de {n} días' },
  daysAgo: { one: 'hace {n} día', many: 'hace {n} de días', other: 'hace {n} días' },
  withinDay: 'en menos de un día',
  today: 'hoy',

  udidTitle: 'Registrar este dispositivo',
  udidHeading: 'Registrar este iPhone o iPad',
  udidIntro: 'Las compilaciones de prueba firmadas para desarrollo o ad hoc solo se instalan en los dispositivos incluidos en su perfil de aprovisionamiento. Registra aquí este dispositivo y el equipo podrá añadirlo a la próxima compilación.',
  udidSafari: html`Abre esta página en <strong>Safari en el dispositivo que quieres registrar</strong>: otros navegadores y los navegadores integrados no pueden instalar perfiles.`,
  udidStepDownload: (url: string): SafeHtml =>
    html`<strong>Descarga el perfil:</strong> <a class="button button-primary" href="${url}">Descargar perfil de registro</a> y toca <em>Permitir</em>.`,
  udidStepInstall: html`<strong>Instálalo en unos minutos:</strong> abre Ajustes, toca <em>Perfil descargado</em> cerca de la parte superior (o General › VPN y gestión de dispositivos) y luego <em>Instalar</em>. iOS marca el perfil como <em>No verificado</em> porque no está firmado; es lo esperado.`,
  udidStepDone: (host: string): SafeHtml =>
    html`<strong>Listo:</strong> iOS envía los identificadores del dispositivo a ${host} y abre en Safari una página con su UDID.`,
  udidWhatSent: 'Qué se envía',
  udidWhatSentBody: (host: string): SafeHtml =>
    html`El UDID del dispositivo, el modelo (por ejemplo iPhone16,1), la versión de iOS, el número de serie y el nombre del dispositivo, solo a ${host}. No queda nada instalado en el dispositivo: el perfil solo pide estos datos una vez.`,
  udidDoneTitle: 'Dispositivo registrado',
  udidDoneHeading: 'Este dispositivo está registrado',
  udidDoneBody: 'Gracias. El equipo ya puede añadir este dispositivo a sus compilaciones de prueba; podrás instalarlas en cuanto se publique una compilación que lo incluya.',
  model: 'Modelo',
  deviceName: 'Nombre',
  nothingInstalled: 'No se ha instalado nada en este dispositivo.',

  caTitle: 'Confiar en este servidor',
  caHeading: 'Confiar en el certificado de este servidor',
  caIntro: (url: string): SafeHtml =>
    html`Este servidor otaship (<code>${url}</code>) usa su propia autoridad de certificación. Los iPhone y iPad solo instalan apps desde servidores de confianza, así que haz esto una vez en cada dispositivo:`,
  caStepDownload: (url: string): SafeHtml =>
    html`<strong>Descarga el perfil</strong> en Safari: <a class="button button-primary" href="${url}">Descargar perfil de la CA</a> y toca <em>Permitir</em>.`,
  caStepInstall: html`<strong>Instálalo:</strong> abre Ajustes › General › VPN y gestión de dispositivos (o la entrada <em>Perfil descargado</em> en la parte superior de Ajustes), toca el perfil y luego <em>Instalar</em>.`,
  caStepTrust: html`<strong>Activa la confianza total:</strong> Ajustes › General › Información › Ajustes de confianza de certificados, y activa la CA de otaship. Sin este paso, las instalaciones seguirán fallando.`,
  caOther: (url: string): SafeHtml =>
    html`En un ordenador o dispositivo Android, descarga en su lugar el certificado: <a href="${url}">ca.crt</a>.`,
  caFingerprint: 'Comprueba la huella SHA-256 del certificado antes de confiar en él:',

  errorTitles: {
    400: 'Solicitud incorrecta',
    401: 'Es necesario iniciar sesión',
    403: 'Enlace no válido',
    404: 'No encontrado',
    413: 'Demasiado grande',
    422: 'No se puede procesar',
    429: 'Demasiadas solicitudes',
    500: 'Error del servidor',
    503: 'No disponible temporalmente',
  },
  errorOther: 'La solicitud falló',
  errorCode: (status: number, code: string): string => `Error ${status} · ${code}`,
  errorAdvice: {
    TOKEN_INVALID: 'Este enlace no es válido. Pide un nuevo enlace de instalación a quien te lo envió.',
    TOKEN_MISSING: 'Este enlace está incompleto. Vuelve a abrir la página de instalación desde el enlace que recibiste.',
    TOKEN_EXPIRED: 'Este enlace ha caducado. Vuelve a abrir la página de instalación desde el enlace que recibiste para obtener uno nuevo.',
    NOT_FOUND: 'No hay nada en esta dirección. Puede que la compilación se haya eliminado: pide un enlace actualizado.',
    DEVICE_REGISTRATION: 'No se pudo registrar el dispositivo. Abre la página de registro en Safari en el iPhone o iPad e instala de nuevo el perfil.',
    TOO_MANY_REQUESTS: 'Demasiados intentos en poco tiempo. Espera un minuto y vuelve a intentarlo.',
    UNAVAILABLE: 'El servidor está ocupado o en mantenimiento. Vuelve a intentarlo en unos minutos.',
  },
  errorDetails: 'Detalles',

  passcodeIntro: 'Este enlace está protegido con un código: introduce el que te dieron para ver la versión.',
  passcodeLabel: 'Código de acceso',
  passcodeOpen: 'Abrir',
  passcodeWrong: 'Ese código no es correcto. Compruébalo e inténtalo de nuevo.',
};
