// Português (Brasil). Keys and parameters: see en.ts.
import { html, type SafeHtml } from '../../html.js';
import type { Messages } from './en.js';

export const ptBR: Messages = {
  language: 'Idioma',
  footer: 'Distribuído com otaship',
  copy: 'Copiar',
  copied: 'Copiado',

  buildOnly: (build: string): string => `build ${build}`,
  versionLine: (label: string): string => `Versão ${label}`,
  qrLabel: 'Código QR: abra esta página no seu celular',
  latestNote: (app: string): SafeHtml => html`Esta página sempre oferece a versão mais recente de ${app}.`,
  inAppIos: html`<strong>Abra esta página no Safari para instalar.</strong> Este navegador interno não consegue instalar apps: toque em <em>•••</em> ou <em>Compartilhar</em> e escolha <em>Abrir no Safari</em>, ou copie o link e cole no Safari.`,
  inAppAndroid: html`<strong>Abra esta página no Chrome para instalar.</strong> Este navegador interno pode bloquear o download: toque em <em>⋮</em> e escolha <em>Abrir no navegador</em>, ou copie o link e cole no Chrome.`,
  pageLink: 'Link para esta página',
  copyLink: 'Copiar link',
  copyByHand: 'Selecionado: copie pelo teclado ou tocando e segurando',
  otherBrowser: html`<strong>Se nada acontecer, abra esta página no Safari.</strong> Outros navegadores no iOS podem não iniciar a instalação de apps.`,
  mismatchIos: html`<strong>Este é um build para iOS.</strong> Ele não pode ser instalado no Android: abra esta página em um iPhone ou iPad.`,
  mismatchAndroid: html`<strong>Este é um build para Android (.apk).</strong> iPhones e iPads não podem instalá-lo: abra esta página em um dispositivo Android.`,
  wrongFamily: (families: string): SafeHtml =>
    html`<strong>Este build não inclui o seu tipo de dispositivo</strong> (ele é para ${families}). O iOS pode se recusar a instalá-lo.`,
  appStore: html`<strong>Este build está assinado para a App Store e não pode ser instalado pela internet.</strong> Peça ao desenvolvedor um build ad hoc, de desenvolvimento ou corporativo.`,
  profileExpired: (date: SafeHtml): SafeHtml =>
    html`<strong>O perfil de provisionamento expirou em ${date}.</strong> O iOS vai se recusar a instalar este build (“Não é possível baixar o app”) e uma cópia já instalada não vai mais abrir. Peça ao desenvolvedor um build assinado novamente.`,
  profileExpiring: (when: string, date: SafeHtml): SafeHtml =>
    html`<strong>O perfil de provisionamento expira ${when}</strong> (${date}). Depois disso, o app não vai mais abrir.`,
  insecure: html`<strong>Este servidor não usa https.</strong> O iOS só instala apps a partir de endereços https com um certificado confiável, então o botão Instalar vai falhar (“Não é possível conectar”). O administrador precisa definir uma URL pública https (OTASHIP_PUBLIC_URL); veja a documentação do servidor.`,
  caHint: (url: string): SafeHtml =>
    html`Este servidor usa sua própria autoridade certificadora. Antes de instalar, <a href="${url}">confie no certificado do otaship</a> no seu dispositivo.`,

  installSection: 'Instalar',
  installButton: 'Instalar',
  downloadApk: 'Baixar APK',
  installAfterIos: html`Toque em <em>Instalar</em> quando o iOS perguntar e depois vá para a tela de início para acompanhar o download.`,
  installAfterAndroid: (size: string): string => `${size} · abra o arquivo quando o download terminar.`,
  desktopHintIos: 'Abra esta página no seu iPhone ou iPad para instalar: escaneie o código com a câmera.',
  desktopHintAndroid: 'Abra esta página no seu dispositivo Android para instalar: escaneie o código com a câmera.',
  qrCaptionIos: 'Escaneie com a câmera do seu iPhone ou iPad para abrir esta página.',
  qrCaptionAndroid: 'Escaneie com a câmera do seu celular para abrir esta página.',
  releaseNotes: 'Notas da versão',
  details: 'Detalhes',
  trouble: 'Problemas para instalar?',
  otherReleases: 'Outras versões',
  latestLink: (app: string): string => `Sempre a versão mais recente de ${app} →`,

  hintSafari: html`<strong>Use o Safari.</strong> Navegadores internos de apps (Gmail, Slack, WeChat, Facebook, Instagram, LinkedIn, LINE, Telegram…) não conseguem iniciar uma instalação: toque em <em>Compartilhar</em> ou <em>•••</em> e escolha <em>Abrir no Safari</em>, ou copie o link desta página e cole no Safari:`,
  hintUdid: (count: string | null, ask: SafeHtml): SafeHtml =>
    html`<strong>“Não é possível baixar o app”?</strong> Este build só é instalado nos dispositivos listados no seu perfil de provisionamento${count === null ? '' : ` (${count})`}. ${ask}`,
  registerAsk: (url: string): SafeHtml =>
    html`<a class="register-device" href="${url}">Registre este dispositivo</a> para enviar o UDID dele ao desenvolvedor e depois peça um novo build.`,
  sendUdidAsk: html`Envie ao desenvolvedor o UDID do seu dispositivo (em um Mac: conecte o dispositivo, selecione-o no Finder e clique na linha abaixo do nome até o UDID aparecer) e peça um novo build.`,
  hintDevMode: html`<strong>iOS 16 ou posterior:</strong> ative o <em>Modo de Desenvolvedor</em> (Ajustes › Privacidade e Segurança › Modo de Desenvolvedor), reinicie e confirme. A opção aparece depois da primeira tentativa de abrir o app.`,
  hintEnterprise: (team: string | null): SafeHtml =>
    html`<strong>“Desenvolvedor Corporativo Não Confiável”?</strong> Abra Ajustes › Geral › VPN e Gerenciamento de Dispositivos, toque no desenvolvedor${team === null ? '' : ` “${team}”`} e escolha <em>Confiar</em>. No iOS 18, o dispositivo pode pedir para reiniciar antes de a confiança valer.`,
  hintSameVersion: html`<strong>Nada acontece depois de tocar em Instalar?</strong> Se esta mesma versão já estiver instalada, o iOS pode não mostrar nenhum aviso: apague o app primeiro ou peça um build com um novo número de build. Confira também a tela de início: o app é baixado lá, não no navegador.`,
  hintIpad: html`<strong>iPad:</strong> o Safari pode solicitar o site para computador; a instalação funciona mesmo assim — use o botão Instalar.`,
  androidAllow: html`<strong>Permita a instalação.</strong> Quando o Android perguntar, permita que o seu navegador instale apps desconhecidos (Configurações › Apps › Acesso especial a apps › Instalar apps desconhecidos) e depois abra o arquivo baixado.`,
  androidNotInstalled: html`<strong>“App não instalado”?</strong> Já existe um app instalado com o mesmo nome de pacote assinado com outra chave: desinstale-o primeiro. Um código de versão menor que o instalado também é recusado.`,
  androidInApp: html`<strong>Navegadores internos</strong> (Gmail, Slack, WeChat…) podem bloquear downloads: abra esta página no Chrome.`,

  bundleId: 'ID do pacote',
  packageName: 'Pacote',
  version: 'Versão',
  build: 'Build',
  versionCode: 'Código da versão',
  size: 'Tamanho',
  published: 'Publicado em',
  builtBy: 'Compilado por',
  requiresIos: 'Requer iOS',
  minSdk: 'SDK mínimo',
  devices: 'Dispositivos',
  profile: 'Perfil',
  team: 'Equipe',
  devicesInProfile: 'Dispositivos no perfil',
  profileExpires: 'Validade do perfil',
  expired: 'expirado',
  phone: 'Celular',
  profileTypes: {
    development: 'Desenvolvimento',
    'ad-hoc': 'Ad hoc',
    enterprise: 'Corporativo (interno)',
    'app-store': 'App Store',
  },
  deviceCount: { one: '{n} dispositivo', many: '{n} de dispositivos', other: '{n} dispositivos' },
  inDays: { one: 'em {n} dia', many: 'em {n} de dias', other: 'em {n} dias' },
  daysAgo: { one: 'há {n} dia', many: 'há {n} de dias', other: 'há {n} dias' },
  withinDay: 'em menos de um dia',
  today: 'hoje',

  udidTitle: 'Registrar este dispositivo',
  udidHeading: 'Registrar este iPhone ou iPad',
  udidIntro: 'Builds de teste assinados para desenvolvimento ou ad hoc só são instalados nos dispositivos listados no perfil de provisionamento. Registre este dispositivo aqui e a equipe poderá incluí-lo no próximo build.',
  udidSafari: html`Abra esta página no <strong>Safari do dispositivo que você quer registrar</strong>: outros navegadores e navegadores internos não conseguem instalar perfis.`,
  udidStepDownload: (url: string): SafeHtml =>
    html`<strong>Baixe o perfil:</strong> <a class="button button-primary" href="${url}">Baixar perfil de registro</a> e toque em <em>Permitir</em>.`,
  udidStepInstall: html`<strong>Instale em poucos minutos:</strong> abra Ajustes, toque em <em>Perfil Baixado</em> perto do topo (ou Geral › VPN e Gerenciamento de Dispositivos) e depois em <em>Instalar</em>. O iOS marca o perfil como <em>Não Verificado</em> porque ele não é assinado; isso é esperado.`,
  udidStepDone: (host: string): SafeHtml =>
    html`<strong>Pronto:</strong> o iOS envia os identificadores do dispositivo para ${host} e abre no Safari uma página que mostra o UDID dele.`,
  udidWhatSent: 'O que é enviado',
  udidWhatSentBody: (host: string): SafeHtml =>
    html`O UDID do dispositivo, o modelo (por exemplo iPhone16,1), a versão do iOS, o número de série e o nome do dispositivo, somente para ${host}. Nada fica instalado no dispositivo: o perfil só pede esses dados uma vez.`,
  udidDoneTitle: 'Dispositivo registrado',
  udidDoneHeading: 'Este dispositivo está registrado',
  udidDoneBody: 'Obrigado. A equipe já pode incluir este dispositivo nos builds de teste; você poderá instalá-los assim que for publicado um build que o inclua.',
  model: 'Modelo',
  deviceName: 'Nome',
  nothingInstalled: 'Nada foi instalado neste dispositivo.',

  caTitle: 'Confiar neste servidor',
  caHeading: 'Confiar no certificado deste servidor',
  caIntro: (url: string): SafeHtml =>
    html`Este servidor otaship (<code>${url}</code>) usa sua própria autoridade certificadora. iPhones e iPads só instalam apps de servidores em que confiam, então faça isto uma vez em cada dispositivo:`,
  caStepDownload: (url: string): SafeHtml =>
    html`<strong>Baixe o perfil</strong> no Safari: <a class="button button-primary" href="${url}">Baixar perfil da AC</a> e toque em <em>Permitir</em>.`,
  caStepInstall: html`<strong>Instale:</strong> abra Ajustes › Geral › VPN e Gerenciamento de Dispositivos (ou o item <em>Perfil Baixado</em> no topo dos Ajustes), toque no perfil e depois em <em>Instalar</em>.`,
  caStepTrust: html`<strong>Ative a confiança total:</strong> Ajustes › Geral › Sobre › Ajustes de Confiança de Certificados, e ative a AC do otaship. Sem esta etapa, as instalações continuam falhando.`,
  caOther: (url: string): SafeHtml =>
    html`Em um computador ou dispositivo Android, baixe o certificado: <a href="${url}">ca.crt</a>.`,
  caFingerprint: 'Confira a impressão digital SHA-256 do certificado antes de confiar nele:',

  errorTitles: {
    400: 'Solicitação inválida',
    401: 'É preciso entrar',
    403: 'Link inválido',
    404: 'Não encontrado',
    413: 'Grande demais',
    422: 'Não foi possível processar',
    429: 'Solicitações demais',
    500: 'Erro no servidor',
    503: 'Indisponível no momento',
  },
  errorOther: 'A solicitação falhou',
  errorCode: (status: number, code: string): string => `Erro ${status} · ${code}`,
  errorAdvice: {
    TOKEN_INVALID: 'Este link não é válido. Peça um novo link de instalação a quem enviou.',
    TOKEN_MISSING: 'Este link está incompleto. Abra a página de instalação de novo pelo link que você recebeu.',
    TOKEN_EXPIRED: 'Este link expirou. Abra a página de instalação de novo pelo link que você recebeu para obter um novo.',
    NOT_FOUND: 'Não há nada neste endereço. O build pode ter sido removido: peça um link atualizado.',
    DEVICE_REGISTRATION: 'Não foi possível registrar o dispositivo. Abra a página de registro no Safari do iPhone ou iPad e instale o perfil de novo.',
    TOO_MANY_REQUESTS: 'Tentativas demais em pouco tempo. Espere um minuto e tente de novo.',
    UNAVAILABLE: 'O servidor está ocupado ou em manutenção. Tente de novo em alguns minutos.',
  },
  errorDetails: 'Detalhes',

  passcodeIntro: 'Este link é protegido por um código: digite o código que você recebeu para ver a versão.',
  passcodeLabel: 'Código de acesso',
  passcodeOpen: 'Abrir',
  passcodeWrong: 'Esse código não está certo. Confira e tente de novo.',
};
