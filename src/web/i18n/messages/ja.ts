// 日本語. Keys and parameters: see en.ts.
import { html, type SafeHtml } from '../../html.js';
import type { Messages } from './en.js';

export const ja: Messages = {
  language: '言語',
  footer: 'otaship で配信',
  copy: 'コピー',
  copied: 'コピーしました',

  buildOnly: (build: string): string => `ビルド ${build}`,
  versionLine: (label: string): string => `バージョン ${label}`,
  qrLabel: 'QRコード：このページをスマートフォンで開く',
  latestNote: (app: string): SafeHtml => html`このページでは常に ${app} の最新リリースを提供しています。`,
  inAppIos: html`<strong>インストールするには、このページを Safari で開いてください。</strong>このアプリ内ブラウザではアプリをインストールできません。<em>•••</em> または<em>共有</em>をタップして<em>Safariで開く</em>を選ぶか、リンクをコピーして Safari に貼り付けてください。`,
  inAppAndroid: html`<strong>インストールするには、このページを Chrome で開いてください。</strong>このアプリ内ブラウザではダウンロードがブロックされることがあります。<em>⋮</em> をタップして<em>ブラウザで開く</em>を選ぶか、リンクをコピーして Chrome に貼り付けてください。`,
  pageLink: 'このページへのリンク',
  copyLink: 'リンクをコピー',
  copyByHand: '選択しました：キーボードまたは長押しでコピーしてください',
  otherBrowser: html`<strong>何も起こらない場合は、このページを Safari で開いてください。</strong>iOS のほかのブラウザでは、アプリのインストールが始まらないことがあります。`,
  mismatchIos: html`<strong>これは iOS 用のビルドです。</strong>Android にはインストールできません。iPhone または iPad でこのページを開いてください。`,
  mismatchAndroid: html`<strong>これは Android 用のビルド（.apk）です。</strong>iPhone や iPad にはインストールできません。Android デバイスでこのページを開いてください。`,
  wrongFamily: (families: string): SafeHtml =>
    html`<strong>このビルドはお使いのデバイスの種類に対応していません</strong>（対応：${families}）。iOS がインストールを拒否することがあります。`,
  appStore: html`<strong>このビルドは App Store 用に署名されているため、無線でインストールできません。</strong>Ad Hoc、開発用、またはエンタープライズのビルドを開発者に依頼してください。`,
  profileExpired: (date: SafeHtml): SafeHtml =>
    html`<strong>プロビジョニングプロファイルは ${date} に期限切れになりました。</strong>iOS はこのビルドのインストールを拒否し（「Appをダウンロードできません」）、インストール済みのアプリも起動しなくなります。再署名したビルドを開発者に依頼してください。`,
  profileExpiring: (when: string, date: SafeHtml): SafeHtml =>
    html`<strong>プロビジョニングプロファイルは${when}に期限切れになります</strong>（${date}）。その後はアプリを開けなくなります。`,
  insecure: html`<strong>このサーバは https を使用していません。</strong>iOS は信頼された証明書を持つ https のアドレスからしかアプリをインストールしないため、インストールボタンは失敗します（「接続できません」）。管理者が https の公開 URL（OTASHIP_PUBLIC_URL）を設定する必要があります。サーバのドキュメントを参照してください。`,
  caHint: (url: string): SafeHtml =>
    html`このサーバは独自の認証局を使用しています。インストールの前に、デバイスで<a href="${url}">otaship の証明書を信頼</a>してください。`,

  installSection: 'インストール',
  installButton: 'インストール',
  downloadApk: 'APK をダウンロード',
  installAfterIos: html`iOS に確認されたら<em>インストール</em>をタップし、ホーム画面でダウンロードの進行を確認してください。`,
  installAfterAndroid: (size: string): string => `${size} · ダウンロードが終わったらファイルを開いてください。`,
  desktopHintIos: 'インストールするには iPhone または iPad でこのページを開いてください。カメラでコードをスキャンします。',
  desktopHintAndroid: 'インストールするには Android デバイスでこのページを開いてください。カメラでコードをスキャンします。',
  qrCaptionIos: 'iPhone または iPad のカメラでスキャンすると、このページが開きます。',
  qrCaptionAndroid: 'スマートフォンのカメラでスキャンすると、このページが開きます。',
  releaseNotes: 'リリースノート',
  details: '詳細',
  trouble: 'インストールできない場合',
  otherReleases: 'ほかのリリース',
  latestLink: (app: string): string => `${app} の常に最新のリリース →`,

  hintSafari: html`<strong>Safari を使ってください。</strong>アプリ内ブラウザ（Gmail、Slack、WeChat、Facebook、Instagram、LinkedIn、LINE、Telegram など）ではインストールを開始できません。<em>共有</em>または <em>•••</em> をタップして<em>Safariで開く</em>を選ぶか、このページのリンクを Safari にコピーしてください：`,
  hintUdid: (count: string | null, ask: SafeHtml): SafeHtml =>
    html`<strong>「Appをダウンロードできません」と表示される場合</strong> このビルドは、プロビジョニングプロファイルに登録されたデバイス${count === null ? '' : `（${count}）`}にしかインストールできません。${ask}`,
  registerAsk: (url: string): SafeHtml =>
    html`<a class="register-device" href="${url}">このデバイスを登録</a>して UDID を開発者に送り、新しいビルドを依頼してください。`,
  sendUdidAsk: html`デバイスの UDID を開発者に送り（Mac の場合：デバイスを接続して Finder で選択し、名前の下の行を UDID が表示されるまでクリック）、新しいビルドを依頼してください。`,
  hintDevMode: html`<strong>iOS 16 以降：</strong><em>デベロッパモード</em>をオンにし（設定 › プライバシーとセキュリティ › デベロッパモード）、再起動して確認してください。このスイッチは、アプリを一度開こうとした後に表示されます。`,
  hintEnterprise: (team: string | null): SafeHtml =>
    html`<strong>「信頼されていないエンタープライズデベロッパ」と表示される場合</strong> 設定 › 一般 › VPNとデバイス管理 を開き、デベロッパ${team === null ? '' : `「${team}」`}をタップして<em>信頼</em>を選んでください。iOS 18 では、信頼が有効になる前に再起動を求められることがあります。`,
  hintSameVersion: html`<strong>インストールをタップしても何も起こらない場合</strong> 同じバージョンがすでにインストールされていると、iOS は何も表示しないことがあります。先にアプリを削除するか、新しいビルド番号のビルドを依頼してください。ホーム画面も確認してください。アプリはブラウザではなくホーム画面でダウンロードされます。`,
  hintIpad: html`<strong>iPad：</strong>Safari がデスクトップ用 Web サイトを表示することがありますが、インストールはそのままできます。インストールボタンを使ってください。`,
  androidAllow: html`<strong>インストールを許可してください。</strong>Android に確認されたら、ブラウザに不明なアプリのインストールを許可し（設定 › アプリ › 特別なアプリアクセス › 不明なアプリのインストール）、ダウンロードしたファイルを開いてください。`,
  androidNotInstalled: html`<strong>「アプリはインストールされていません」と表示される場合</strong> 同じパッケージ名で別の鍵で署名されたアプリがすでにインストールされています。先にアンインストールしてください。インストール済みのものより小さいバージョンコードも拒否されます。`,
  androidInApp: html`<strong>アプリ内ブラウザ</strong>（Gmail、Slack、WeChat など）ではダウンロードがブロックされることがあります。このページを Chrome で開いてください。`,

  bundleId: 'バンドル ID',
  packageName: 'パッケージ',
  version: 'バージョン',
  build: 'ビルド',
  versionCode: 'バージョンコード',
  size: 'サイズ',
  published: '公開日時',
  builtBy: 'ビルド元',
  requiresIos: '必要な iOS',
  minSdk: '最小 SDK',
  devices: 'デバイス',
  profile: 'プロファイル',
  team: 'チーム',
  devicesInProfile: 'プロファイル内のデバイス',
  profileExpires: 'プロファイルの有効期限',
  expired: '期限切れ',
  phone: 'スマートフォン',
  profileTypes: {
    development: '開発用',
    'ad-hoc': 'Ad Hoc',
    enterprise: 'エンタープライズ（社内用）',
    'app-store': 'App Store',
  },
  deviceCount: { other: '{n}台' },
  inDays: { other: '{n}日後' },
  daysAgo: { other: '{n}日前' },
  withinDay: '1日以内',
  today: '今日',

  udidTitle: 'このデバイスを登録',
  udidHeading: 'この iPhone または iPad を登録',
  udidIntro: '開発用または Ad Hoc で署名されたテストビルドは、プロビジョニングプロファイルに登録されたデバイスにしかインストールできません。ここでこのデバイスを登録すると、チームが次のビルドに追加できます。',
  udidSafari: html`このページは<strong>登録したいデバイスの Safari</strong> で開いてください。ほかのブラウザやアプリ内ブラウザではプロファイルをインストールできません。`,
  udidStepDownload: (url: string): SafeHtml =>
    html`<strong>プロファイルをダウンロード：</strong><a class="button button-primary" href="${url}">登録用プロファイルをダウンロード</a>して<em>許可</em>をタップします。`,
  udidStepInstall: html`<strong>数分以内にインストール：</strong>設定を開き、上部の<em>プロファイルがダウンロード済み</em>（または 一般 › VPNとデバイス管理）をタップしてから<em>インストール</em>をタップします。プロファイルは署名されていないため、iOS では<em>未検証</em>と表示されますが、問題ありません。`,
  udidStepDone: (host: string): SafeHtml =>
    html`<strong>完了：</strong>iOS がデバイスの識別情報を ${host} に送り、UDID を表示するページを Safari で開きます。`,
  udidWhatSent: '送信される情報',
  udidWhatSentBody: (host: string): SafeHtml =>
    html`デバイスの UDID、機種（例：iPhone16,1）、iOS のバージョン、シリアル番号、デバイス名を ${host} にのみ送信します。デバイスには何も残りません。プロファイルはこれらの情報を一度だけ求めます。`,
  udidDoneTitle: 'デバイスを登録しました',
  udidDoneHeading: 'このデバイスは登録されました',
  udidDoneBody: 'ありがとうございます。チームがこのデバイスをテストビルドに追加できるようになりました。このデバイスを含むビルドが公開されると、インストールできるようになります。',
  model: '機種',
  deviceName: '名前',
  nothingInstalled: 'このデバイスには何もインストールされていません。',

  caTitle: 'このサーバを信頼',
  caHeading: 'このサーバの証明書を信頼',
  caIntro: (url: string): SafeHtml =>
    html`この otaship サーバ（<code>${url}</code>）は独自の認証局を使用しています。iPhone と iPad は信頼するサーバからしかアプリをインストールしないため、デバイスごとに一度、次の手順を行ってください：`,
  caStepDownload: (url: string): SafeHtml =>
    html`<strong>Safari でプロファイルをダウンロード：</strong><a class="button button-primary" href="${url}">CA プロファイルをダウンロード</a>して<em>許可</em>をタップします。`,
  caStepInstall: html`<strong>インストール：</strong>設定 › 一般 › VPNとデバイス管理（または設定上部の<em>プロファイルがダウンロード済み</em>）を開き、プロファイルをタップして<em>インストール</em>をタップします。`,
  caStepTrust: html`<strong>完全な信頼を有効にする：</strong>設定 › 一般 › 情報 › 証明書信頼設定 で otaship の CA をオンにします。この手順を行わないと、インストールは失敗したままです。`,
  caOther: (url: string): SafeHtml =>
    html`コンピュータや Android デバイスでは、代わりに証明書をダウンロードしてください：<a href="${url}">ca.crt</a>`,
  caFingerprint: '信頼する前に、証明書の SHA-256 フィンガープリントを確認してください：',

  errorTitles: {
    400: '不正なリクエスト',
    401: 'サインインが必要です',
    403: '無効なリンク',
    404: '見つかりません',
    413: 'サイズが大きすぎます',
    422: '処理できません',
    429: 'リクエストが多すぎます',
    500: 'サーバエラー',
    503: '一時的に利用できません',
  },
  errorOther: 'リクエストに失敗しました',
  errorCode: (status: number, code: string): string => `エラー ${status} · ${code}`,
  errorAdvice: {
    TOKEN_INVALID: 'このリンクは無効です。送ってくれた人に新しいインストールリンクを依頼してください。',
    TOKEN_MISSING: 'このリンクは不完全です。受け取ったリンクからインストールページを開き直してください。',
    TOKEN_EXPIRED: 'このリンクは期限切れです。受け取ったリンクからインストールページを開き直すと、新しいリンクが発行されます。',
    NOT_FOUND: 'このアドレスには何もありません。ビルドが削除された可能性があります。最新のリンクを依頼してください。',
    DEVICE_REGISTRATION: 'デバイスを登録できませんでした。iPhone または iPad の Safari で登録ページを開き、プロファイルをもう一度インストールしてください。',
    TOO_MANY_REQUESTS: '短時間に試行が多すぎます。1 分ほど待ってから、もう一度お試しください。',
    UNAVAILABLE: 'サーバが混み合っているか、メンテナンス中です。数分後にもう一度お試しください。',
  },
  errorDetails: '詳細',

  passcodeIntro: 'このリンクはパスコードで保護されています。ビルドを表示するには、受け取ったパスコードを入力してください。',
  passcodeLabel: 'パスコード',
  passcodeOpen: '開く',
  passcodeWrong: 'パスコードが正しくありません。確認してもう一度お試しください。',
};
