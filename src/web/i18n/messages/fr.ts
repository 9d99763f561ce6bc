// Français. Keys and parameters: see en.ts. Typography: non-breaking spaces before « : ? » and inside
// « », as French requires; written \u00a0 so they stay visible in the source.
import { html, type SafeHtml } from '../../html.js';
import type { Messages } from './en.js';

export const fr: Messages = {
  language: 'Langue',
  footer: 'Distribué avec otaship',
  copy: 'Copier',
  copied: 'Copié',

  buildOnly: (build: string): string => `build ${build}`,
  versionLine: (label: string): string => `Version ${label}`,
  qrLabel: 'Code QR\u00a0: ouvrir cette page sur votre téléphone',
  latestNote: (app: string): SafeHtml => html`Cette page propose toujours la dernière version de ${app}.`,
  inAppIos: html`<strong>Ouvrez cette page dans Safari pour installer l’app.</strong> Ce navigateur intégré ne peut pas installer d’apps\u00a0: touchez <em>•••</em> ou <em>Partager</em> et choisissez <em>Ouvrir dans Safari</em>, ou copiez le lien et collez-le dans Safari.`,
  inAppAndroid: html`<strong>Ouvrez cette page dans Chrome pour installer l’application.</strong> Ce navigateur intégré peut bloquer le téléchargement\u00a0: touchez <em>⋮</em> et choisissez <em>Ouvrir dans le navigateur</em>, ou copiez le lien et collez-le dans Chrome.`,
  pageLink: 'Lien vers cette page',
  copyLink: 'Copier le lien',
  copyByHand: 'Sélectionné\u00a0: copiez-le au clavier ou par un appui prolongé',
  otherBrowser: html`<strong>Rien ne se passe\u00a0? Ouvrez cette page dans Safari.</strong> Les autres navigateurs sur iOS peuvent ne pas lancer l’installation d’apps.`,
  mismatchIos: html`<strong>Ceci est un build iOS.</strong> Il ne peut pas être installé sur Android\u00a0: ouvrez cette page sur un iPhone ou un iPad.`,
  mismatchAndroid: html`<strong>Ceci est un build Android (.apk).</strong> Les iPhone et iPad ne peuvent pas l’installer\u00a0: ouvrez cette page sur un appareil Android.`,
  wrongFamily: (families: string): SafeHtml =>
    html`<strong>Ce build ne prend pas en charge votre type d’appareil</strong> (il est destiné à\u00a0: ${families}). iOS risque de refuser l’installation.`,
  appStore: html`<strong>Ce build est signé pour l’App Store et ne peut pas être installé à distance.</strong> Demandez au développeur un build ad hoc, de développement ou d’entreprise.`,
  profileExpired: (date: SafeHtml): SafeHtml =>
    html`<strong>Le profil de provisionnement a expiré le ${date}.</strong> iOS refusera d’installer ce build («\u00a0Impossible de télécharger l’app\u00a0») et une copie déjà installée ne s’ouvrira plus. Demandez au développeur un build signé à nouveau.`,
  profileExpiring: (when: string, date: SafeHtml): SafeHtml =>
    html`<strong>Le profil de provisionnement expire ${when}</strong> (${date}). Ensuite, l’app ne s’ouvrira plus.`,
  insecure: html`<strong>Ce serveur n’utilise pas https.</strong> iOS n’installe des apps que depuis des adresses https dotées d’un certificat de confiance\u00a0: le bouton Installer échouera («\u00a0Connexion impossible\u00a0»). L’administrateur doit définir une URL publique en https (OTASHIP_PUBLIC_URL) ; voir la documentation du serveur.`,
  caHint: (url: string): SafeHtml =>
    html`Ce serveur utilise sa propre autorité de certification. Avant l’installation, <a href="${url}">faites confiance au certificat otaship</a> sur votre appareil.`,

  installSection: 'Installation',
  installButton: 'Installer',
  downloadApk: 'Télécharger l’APK',
  installAfterIos: html`Touchez <em>Installer</em> quand iOS le demande, puis allez sur l’écran d’accueil pour suivre le téléchargement.`,
  installAfterAndroid: (size: string): string => `${size} · ouvrez le fichier une fois le téléchargement terminé.`,
  desktopHintIos: 'Ouvrez cette page sur votre iPhone ou iPad pour installer l’app\u00a0: scannez le code avec l’appareil photo.',
  desktopHintAndroid: 'Ouvrez cette page sur votre appareil Android pour installer l’application\u00a0: scannez le code avec l’appareil photo.',
  qrCaptionIos: 'Scannez avec l’appareil photo de votre iPhone ou iPad pour ouvrir cette page.',
  qrCaptionAndroid: 'Scannez avec l’appareil photo de votre téléphone pour ouvrir cette page.',
  releaseNotes: 'Notes de version',
  details: 'Détails',
  trouble: 'Un problème d’installation\u00a0?',
  otherReleases: 'Autres versions',
  latestLink: (app: string): string => `Toujours la dernière version de ${app} →`,

  hintSafari: html`<strong>Utilisez Safari.</strong> Les navigateurs intégrés aux apps (Gmail, Slack, WeChat, Facebook, Instagram, LinkedIn, LINE, Telegram…) ne peuvent pas lancer d’installation\u00a0: touchez <em>Partager</em> ou <em>•••</em> et choisissez <em>Ouvrir dans Safari</em>, ou copiez le lien de cette page dans Safari :`,
  hintUdid: (count: string | null, ask: SafeHtml): SafeHtml =>
    html`<strong>«\u00a0Impossible de télécharger l’app\u00a0»\u00a0?</strong> Ce build ne s’installe que sur les appareils inscrits dans son profil de provisionnement${count === null ? '' : ` (${count})`}. ${ask}`,
  registerAsk: (url: string): SafeHtml =>
    html`<a class="register-device" href="${url}">Enregistrez cet appareil</a> pour envoyer son UDID au développeur, puis demandez un nouveau build.`,
  sendUdidAsk: html`Envoyez au développeur l’UDID de votre appareil (sur un Mac\u00a0: branchez l’appareil, sélectionnez-le dans le Finder et cliquez sur la ligne sous son nom jusqu’à ce que l’UDID apparaisse), puis demandez un nouveau build.`,
  hintDevMode: html`<strong>iOS 16 ou ultérieur\u00a0:</strong> activez le <em>mode développeur</em> (Réglages › Confidentialité et sécurité › Mode développeur), redémarrez et confirmez. L’option apparaît après une première tentative d’ouverture de l’app.`,
  hintEnterprise: (team: string | null): SafeHtml =>
    html`<strong>«\u00a0Développeur d’entreprise non approuvé\u00a0»\u00a0?</strong> Ouvrez Réglages › Général › VPN et gestion de l’appareil, touchez le développeur${team === null ? '' : ` «\u00a0${team}\u00a0»`} et choisissez <em>Faire confiance</em>. Sous iOS 18, l’appareil peut demander un redémarrage avant que la confiance ne prenne effet.`,
  hintSameVersion: html`<strong>Rien ne se passe après avoir touché Installer\u00a0?</strong> Si cette même version est déjà installée, iOS peut n’afficher aucune demande\u00a0: supprimez d’abord l’app, ou demandez un build avec un nouveau numéro de build. Regardez aussi l’écran d’accueil\u00a0: c’est là que l’app se télécharge, pas dans le navigateur.`,
  hintIpad: html`<strong>iPad\u00a0:</strong> Safari peut demander la version ordinateur du site ; l’installation fonctionne quand même — utilisez le bouton Installer.`,
  androidAllow: html`<strong>Autorisez l’installation.</strong> Quand Android le demande, autorisez votre navigateur à installer des applis inconnues (Paramètres › Applications › Accès spécifiques des applications › Installer des applis inconnues), puis ouvrez le fichier téléchargé.`,
  androidNotInstalled: html`<strong>«\u00a0Application non installée\u00a0»\u00a0?</strong> Une application portant le même nom de package, signée avec une autre clé, est déjà installée\u00a0: désinstallez-la d’abord. Un code de version inférieur à celui installé est également refusé.`,
  androidInApp: html`<strong>Les navigateurs intégrés</strong> (Gmail, Slack, WeChat…) peuvent bloquer les téléchargements\u00a0: ouvrez cette page dans Chrome.`,
  bundleConverting: 'Ce build est en préparation\u00a0: le serveur crée l’APK à partir de l’app bundle. Rechargez cette page dans une minute ou deux.',
  bundleFailed: 'Ce build n’a pas pu être préparé pour l’installation (l’APK n’a pas pu être créé à partir de l’app bundle). Demandez un autre build à l’équipe de l’appli.',
  bundlePlaySigner: html`<strong>Installée depuis Google Play\u00a0?</strong> Cet APK est signé avec la clé de test de l’équipe, pas avec celle de Google Play\u00a0: il ne peut pas mettre à jour une copie de l’appli installée depuis Google Play. Désinstallez-la d’abord.`,

  bundleId: 'Bundle ID',
  packageName: 'Package',
  version: 'Version',
  build: 'Build',
  versionCode: 'Code de version',
  size: 'Taille',
  published: 'Publié le',
  builtBy: 'Compilé par',
  requiresIos: 'iOS requis',
  minSdk: 'SDK minimal',
  devices: 'Appareils',
  profile: 'Profil',
  team: 'Équipe',
  devicesInProfile: 'Appareils dans le profil',
  profileExpires: 'Expiration du profil',
  expired: 'expiré',
  phone: 'Téléphone',
  profileTypes: {
    development: 'Développement',
    'ad-hoc': 'Ad hoc',
    enterprise: 'Entreprise (interne)',
    'app-store': 'App Store',
  },
  deviceCount: { one: '{n} appareil', many: '{n} d’appareils', other: '{n} appareils' },
  inDays: { one: 'dans {n} jour', many: 'dans {n} de jours', other: 'dans {n} jours' },
  daysAgo: { one: 'il y a {n} jour', many: 'il y a {n} de jours', other: 'il y a {n} jours' },
  withinDay: 'd’ici un jour',
  today: 'aujourd’hui',

  udidTitle: 'Enregistrer cet appareil',
  udidHeading: 'Enregistrer cet iPhone ou iPad',
  udidIntro: 'Les builds de test signés pour le développement ou en ad hoc ne s’installent que sur les appareils inscrits dans leur profil de provisionnement. Enregistrez cet appareil ici et l’équipe pourra l’ajouter au prochain build.',
  udidSafari: html`Ouvrez cette page dans <strong>Safari sur l’appareil à enregistrer</strong>\u00a0: les autres navigateurs et les navigateurs intégrés ne peuvent pas installer de profils.`,
  udidStepDownload: (url: string): SafeHtml =>
    html`<strong>Téléchargez le profil\u00a0:</strong> <a class="button button-primary" href="${url}">Télécharger le profil d’enregistrement</a> et touchez <em>Autoriser</em>.`,
  udidStepInstall: html`<strong>Installez-le dans les minutes qui suivent\u00a0:</strong> ouvrez Réglages, touchez <em>Profil téléchargé</em> en haut (ou Général › VPN et gestion de l’appareil), puis <em>Installer</em>. iOS indique que le profil est <em>Non vérifié</em> car il n’est pas signé ; c’est normal.`,
  udidStepDone: (host: string): SafeHtml =>
    html`<strong>C’est fait\u00a0:</strong> iOS envoie les identifiants de l’appareil à ${host} et ouvre dans Safari une page affichant son UDID.`,
  udidWhatSent: 'Ce qui est envoyé',
  udidWhatSentBody: (host: string): SafeHtml =>
    html`L’UDID de l’appareil, son modèle (par exemple iPhone16,1), sa version d’iOS, son numéro de série et son nom, uniquement à ${host}. Rien ne reste installé sur l’appareil\u00a0: le profil ne demande ces informations qu’une seule fois.`,
  udidDoneTitle: 'Appareil enregistré',
  udidDoneHeading: 'Cet appareil est enregistré',
  udidDoneBody: 'Merci. L’équipe peut maintenant ajouter cet appareil à ses builds de test ; vous pourrez les installer dès qu’un build qui l’inclut sera publié.',
  model: 'Modèle',
  deviceName: 'Nom',
  nothingInstalled: 'Rien n’a été installé sur cet appareil.',

  caTitle: 'Faire confiance à ce serveur',
  caHeading: 'Faire confiance au certificat de ce serveur',
  caIntro: (url: string): SafeHtml =>
    html`Ce serveur otaship (<code>${url}</code>) utilise sa propre autorité de certification. Les iPhone et iPad n’installent des apps que depuis des serveurs de confiance ; faites donc ceci une fois par appareil :`,
  caStepDownload: (url: string): SafeHtml =>
    html`<strong>Téléchargez le profil</strong> dans Safari\u00a0: <a class="button button-primary" href="${url}">Télécharger le profil de l’AC</a> et touchez <em>Autoriser</em>.`,
  caStepInstall: html`<strong>Installez-le\u00a0:</strong> ouvrez Réglages › Général › VPN et gestion de l’appareil (ou l’entrée <em>Profil téléchargé</em> en haut des Réglages), touchez le profil puis <em>Installer</em>.`,
  caStepTrust: html`<strong>Activez la confiance totale\u00a0:</strong> Réglages › Général › Informations › Réglages des certificats, puis activez l’AC otaship. Sans cette étape, les installations échouent toujours.`,
  caOther: (url: string): SafeHtml =>
    html`Sur un ordinateur ou un appareil Android, téléchargez plutôt le certificat\u00a0: <a href="${url}">ca.crt</a>.`,
  caFingerprint: 'Vérifiez l’empreinte SHA-256 du certificat avant de lui faire confiance :',

  errorTitles: {
    400: 'Requête incorrecte',
    401: 'Connexion requise',
    403: 'Lien non valide',
    404: 'Introuvable',
    413: 'Trop volumineux',
    422: 'Traitement impossible',
    429: 'Trop de requêtes',
    500: 'Erreur du serveur',
    503: 'Temporairement indisponible',
  },
  errorOther: 'La requête a échoué',
  errorCode: (status: number, code: string): string => `Erreur ${status} · ${code}`,
  errorAdvice: {
    TOKEN_INVALID: 'Ce lien n’est pas valide. Demandez un nouveau lien d’installation à la personne qui vous l’a envoyé.',
    TOKEN_MISSING: 'Ce lien est incomplet. Rouvrez la page d’installation à partir du lien que vous avez reçu.',
    TOKEN_EXPIRED: 'Ce lien a expiré. Rouvrez la page d’installation à partir du lien que vous avez reçu pour en obtenir un nouveau.',
    NOT_FOUND: 'Il n’y a rien à cette adresse. Le build a peut-être été supprimé\u00a0: demandez un lien à jour.',
    DEVICE_REGISTRATION: 'L’appareil n’a pas pu être enregistré. Ouvrez la page d’enregistrement dans Safari sur l’iPhone ou l’iPad et installez à nouveau le profil.',
    TOO_MANY_REQUESTS: 'Trop de tentatives en peu de temps. Attendez une minute, puis réessayez.',
    UNAVAILABLE: 'Le serveur est surchargé ou en maintenance. Réessayez dans quelques minutes.',
  },
  errorDetails: 'Détails',

  passcodeIntro: 'Ce lien est protégé par un code : saisissez celui qui vous a été donné pour voir la version.',
  passcodeLabel: 'Code d’accès',
  passcodeOpen: 'Ouvrir',
  passcodeWrong: 'Ce code n’est pas le bon. Vérifiez-le et réessayez.',
};
