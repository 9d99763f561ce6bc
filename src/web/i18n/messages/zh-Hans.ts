// 简体中文. Keys and parameters: see en.ts.
import { html, type SafeHtml } from '../../html.js';
import type { Messages } from './en.js';

export const zhHans: Messages = {
  language: '语言',
  footer: '由 otaship 分发',
  copy: '复制',
  copied: '已复制',

  buildOnly: (build: string): string => `版本号 ${build}`,
  versionLine: (label: string): string => `版本 ${label}`,
  qrLabel: '二维码：在手机上打开此页面',
  latestNote: (app: string): SafeHtml => html`此页面始终提供 ${app} 的最新版本。`,
  inAppIos: html`<strong>请在 Safari 浏览器中打开此页面进行安装。</strong>此应用内浏览器无法安装 App：轻点 <em>•••</em> 或<em>分享</em>，然后选择<em>在 Safari 浏览器中打开</em>，或者复制链接并粘贴到 Safari 浏览器中。`,
  inAppAndroid: html`<strong>请在 Chrome 中打开此页面进行安装。</strong>此应用内浏览器可能会阻止下载：轻点 <em>⋮</em> 并选择<em>在浏览器中打开</em>，或者复制链接并粘贴到 Chrome 中。`,
  pageLink: '此页面的链接',
  copyLink: '复制链接',
  copyByHand: '已选中：请用键盘或长按进行复制',
  otherBrowser: html`<strong>如果没有任何反应，请在 Safari 浏览器中打开此页面。</strong>iOS 上的其他浏览器可能无法启动 App 安装。`,
  mismatchIos: html`<strong>这是 iOS 版本。</strong>它无法安装在 Android 上：请在 iPhone 或 iPad 上打开此页面。`,
  mismatchAndroid: html`<strong>这是 Android 版本（.apk）。</strong>iPhone 和 iPad 无法安装它：请在 Android 设备上打开此页面。`,
  wrongFamily: (families: string): SafeHtml =>
    html`<strong>此版本不支持你的设备类型</strong>（适用于：${families}）。iOS 可能会拒绝安装。`,
  appStore: html`<strong>此版本是为 App Store 签名的，无法通过无线方式安装。</strong>请向开发者索取 Ad Hoc、开发或企业版本。`,
  profileExpired: (date: SafeHtml): SafeHtml =>
    html`<strong>描述文件已于 ${date} 过期。</strong>iOS 将拒绝安装此版本（“无法下载 App”），已安装的副本也将无法打开。请向开发者索取重新签名的版本。`,
  profileExpiring: (when: string, date: SafeHtml): SafeHtml =>
    html`<strong>描述文件将在${when}过期</strong>（${date}）。之后 App 将无法打开。`,
  insecure: html`<strong>此服务器未使用 https。</strong>iOS 只从带有受信任证书的 https 地址安装 App，因此“安装”按钮将会失败（“无法连接”）。管理员必须设置 https 公开网址（OTASHIP_PUBLIC_URL），详见服务器文档。`,
  caHint: (url: string): SafeHtml =>
    html`此服务器使用自己的证书颁发机构。安装前，请在设备上<a href="${url}">信任 otaship 证书</a>。`,

  installSection: '安装',
  installButton: '安装',
  downloadApk: '下载 APK',
  installAfterIos: html`iOS 询问时轻点<em>安装</em>，然后前往主屏幕查看下载进度。`,
  installAfterAndroid: (size: string): string => `${size} · 下载完成后打开文件。`,
  desktopHintIos: '请在 iPhone 或 iPad 上打开此页面进行安装：用相机扫描二维码。',
  desktopHintAndroid: '请在 Android 设备上打开此页面进行安装：用相机扫描二维码。',
  qrCaptionIos: '用 iPhone 或 iPad 的相机扫描即可打开此页面。',
  qrCaptionAndroid: '用手机相机扫描即可打开此页面。',
  releaseNotes: '版本说明',
  details: '详细信息',
  trouble: '安装遇到问题？',
  otherReleases: '其他版本',
  latestLink: (app: string): string => `始终获取 ${app} 的最新版本 →`,

  hintSafari: html`<strong>请使用 Safari 浏览器。</strong>应用内浏览器（Gmail、Slack、微信、Facebook、Instagram、LinkedIn、LINE、Telegram 等）无法启动安装：轻点<em>分享</em>或 <em>•••</em>，然后选择<em>在 Safari 浏览器中打开</em>，或者将此页面的链接复制到 Safari 浏览器中：`,
  hintUdid: (count: string | null, ask: SafeHtml): SafeHtml =>
    html`<strong>提示“无法下载 App”？</strong>此版本只能安装在其描述文件中列出的设备上${count === null ? '' : `（${count}）`}。${ask}`,
  registerAsk: (url: string): SafeHtml =>
    html`<a class="register-device" href="${url}">注册此设备</a>，将其 UDID 发送给开发者，然后索取新版本。`,
  sendUdidAsk: html`请把设备的 UDID 发给开发者（在 Mac 上：连接设备，在“访达”中选中它，点按设备名称下方的那一行，直到显示 UDID），然后索取新版本。`,
  hintDevMode: html`<strong>iOS 16 或更高版本：</strong>打开<em>开发者模式</em>（设置 › 隐私与安全性 › 开发者模式），重新启动并确认。首次尝试打开 App 后才会出现该开关。`,
  hintEnterprise: (team: string | null): SafeHtml =>
    html`<strong>提示“未受信任的企业级开发者”？</strong>打开“设置 › 通用 › VPN与设备管理”，轻点开发者${team === null ? '' : `“${team}”`}，然后选择<em>信任</em>。在 iOS 18 上，设备可能会要求先重新启动，信任才会生效。`,
  hintSameVersion: html`<strong>轻点“安装”后没有反应？</strong>如果已经安装了同一版本，iOS 可能不会显示任何提示：请先删除 App，或者索取使用新版本号的版本。另外请查看主屏幕：App 是在主屏幕上下载的，而不是在浏览器中。`,
  hintIpad: html`<strong>iPad：</strong>Safari 浏览器可能会请求桌面版网站；安装仍然可以进行——请使用“安装”按钮。`,
  androidAllow: html`<strong>允许安装。</strong>当 Android 询问时，允许你的浏览器安装未知应用（设置 › 应用 › 特殊应用权限 › 安装未知应用），然后打开下载的文件。`,
  androidNotInstalled: html`<strong>提示“未安装应用”？</strong>已经安装了包名相同但使用不同密钥签名的应用：请先卸载它。版本代码低于已安装版本的也会被拒绝。`,
  androidInApp: html`<strong>应用内浏览器</strong>（Gmail、Slack、微信等）可能会阻止下载：请在 Chrome 中打开此页面。`,

  bundleId: 'Bundle ID',
  packageName: '包名',
  version: '版本',
  build: '版本号',
  versionCode: '版本代码',
  size: '大小',
  published: '发布时间',
  builtBy: '构建来源',
  requiresIos: '需要 iOS',
  minSdk: '最低 SDK',
  devices: '设备',
  profile: '描述文件',
  team: '团队',
  devicesInProfile: '描述文件中的设备',
  profileExpires: '描述文件到期',
  expired: '已过期',
  phone: '手机',
  profileTypes: {
    development: '开发',
    'ad-hoc': 'Ad Hoc',
    enterprise: '企业（内部）',
    'app-store': 'App Store',
  },
  deviceCount: { other: '共{n}台' },
  inDays: { other: '{n}天后' },
  daysAgo: { other: '{n}天前' },
  withinDay: '一天内',
  today: '今天',

  udidTitle: '注册此设备',
  udidHeading: '注册此 iPhone 或 iPad',
  udidIntro: '以开发或 Ad Hoc 方式签名的测试版本只能安装在其描述文件中列出的设备上。在这里注册此设备后，团队就可以将它加入下一个版本。',
  udidSafari: html`请在<strong>要注册的设备上用 Safari 浏览器</strong>打开此页面：其他浏览器和应用内浏览器无法安装描述文件。`,
  udidStepDownload: (url: string): SafeHtml =>
    html`<strong>下载描述文件：</strong><a class="button button-primary" href="${url}">下载注册描述文件</a>，然后轻点<em>允许</em>。`,
  udidStepInstall: html`<strong>在几分钟内安装：</strong>打开“设置”，轻点顶部附近的<em>已下载描述文件</em>（或“通用 › VPN与设备管理”），然后轻点<em>安装</em>。由于描述文件未签名，iOS 会将其标记为<em>未验证</em>，这是正常的。`,
  udidStepDone: (host: string): SafeHtml =>
    html`<strong>完成：</strong>iOS 会将设备的标识信息发送到 ${host}，并在 Safari 浏览器中打开一个显示其 UDID 的页面。`,
  udidWhatSent: '会发送哪些信息',
  udidWhatSentBody: (host: string): SafeHtml =>
    html`设备的 UDID、型号（例如 iPhone16,1）、iOS 版本、序列号和设备名称，仅发送到 ${host}。设备上不会留下任何安装内容：描述文件只请求一次这些信息。`,
  udidDoneTitle: '设备已注册',
  udidDoneHeading: '此设备已注册',
  udidDoneBody: '谢谢。团队现在可以将此设备加入测试版本；包含此设备的版本发布后，你就可以安装了。',
  model: '型号',
  deviceName: '名称',
  nothingInstalled: '此设备上未安装任何内容。',

  caTitle: '信任此服务器',
  caHeading: '信任此服务器的证书',
  caIntro: (url: string): SafeHtml =>
    html`此 otaship 服务器（<code>${url}</code>）使用自己的证书颁发机构。iPhone 和 iPad 只从受信任的服务器安装 App，因此每台设备需要执行一次以下步骤：`,
  caStepDownload: (url: string): SafeHtml =>
    html`<strong>在 Safari 浏览器中下载描述文件：</strong><a class="button button-primary" href="${url}">下载 CA 描述文件</a>，然后轻点<em>允许</em>。`,
  caStepInstall: html`<strong>安装：</strong>打开“设置 › 通用 › VPN与设备管理”（或“设置”顶部的<em>已下载描述文件</em>），轻点该描述文件，然后轻点<em>安装</em>。`,
  caStepTrust: html`<strong>启用完全信任：</strong>在“设置 › 通用 › 关于本机 › 证书信任设置”中打开 otaship CA。不完成此步骤，安装仍会失败。`,
  caOther: (url: string): SafeHtml =>
    html`在电脑或 Android 设备上，请改为下载证书：<a href="${url}">ca.crt</a>`,
  caFingerprint: '信任之前，请核对证书的 SHA-256 指纹：',

  errorTitles: {
    400: '请求无效',
    401: '需要登录',
    403: '链接无效',
    404: '未找到',
    413: '内容过大',
    422: '无法处理',
    429: '请求过多',
    500: '服务器错误',
    503: '暂时无法使用',
  },
  errorOther: '请求失败',
  errorCode: (status: number, code: string): string => `错误 ${status} · ${code}`,
  errorAdvice: {
    TOKEN_INVALID: '此链接无效。请向发送者索取新的安装链接。',
    TOKEN_MISSING: '此链接不完整。请通过你收到的链接重新打开安装页面。',
    TOKEN_EXPIRED: '此链接已过期。请通过你收到的链接重新打开安装页面，以获取新的链接。',
    NOT_FOUND: '此地址没有内容。该版本可能已被删除：请索取最新的链接。',
    DEVICE_REGISTRATION: '无法注册设备。请在 iPhone 或 iPad 上用 Safari 浏览器打开注册页面，并重新安装描述文件。',
    TOO_MANY_REQUESTS: '短时间内尝试次数过多。请等待一分钟后重试。',
    UNAVAILABLE: '服务器繁忙或正在维护。请几分钟后重试。',
  },
  errorDetails: '详细信息',

  passcodeIntro: '此链接受访问码保护：请输入你收到的访问码以查看此版本。',
  passcodeLabel: '访问码',
  passcodeOpen: '打开',
  passcodeWrong: '访问码不正确。请检查后重试。',
};
