// 한국어. Keys and parameters: see en.ts.
import { html, type SafeHtml } from '../../html.js';
import type { Messages } from './en.js';

export const ko: Messages = {
  language: '언어',
  footer: 'otaship으로 배포됨',
  copy: '복사',
  copied: '복사됨',

  buildOnly: (build: string): string => `빌드 ${build}`,
  versionLine: (label: string): string => `버전 ${label}`,
  qrLabel: 'QR 코드: 휴대폰에서 이 페이지 열기',
  latestNote: (app: string): SafeHtml => html`이 페이지는 항상 ${app}의 최신 릴리스를 제공합니다.`,
  inAppIos: html`<strong>설치하려면 이 페이지를 Safari에서 여세요.</strong> 이 인앱 브라우저에서는 앱을 설치할 수 없습니다. <em>•••</em> 또는 <em>공유</em>를 탭하고 <em>Safari로 열기</em>를 선택하거나, 링크를 복사해 Safari에 붙여 넣으세요.`,
  inAppAndroid: html`<strong>설치하려면 이 페이지를 Chrome에서 여세요.</strong> 이 인앱 브라우저는 다운로드를 차단할 수 있습니다. <em>⋮</em>를 탭하고 <em>브라우저에서 열기</em>를 선택하거나, 링크를 복사해 Chrome에 붙여 넣으세요.`,
  pageLink: '이 페이지 링크',
  copyLink: '링크 복사',
  copyByHand: '선택됨: 키보드나 길게 누르기로 복사하세요',
  otherBrowser: html`<strong>아무 반응이 없으면 이 페이지를 Safari에서 여세요.</strong> iOS의 다른 브라우저에서는 앱 설치가 시작되지 않을 수 있습니다.`,
  mismatchIos: html`<strong>iOS용 빌드입니다.</strong> Android에는 설치할 수 없습니다. iPhone이나 iPad에서 이 페이지를 여세요.`,
  mismatchAndroid: html`<strong>Android용 빌드(.apk)입니다.</strong> iPhone과 iPad에는 설치할 수 없습니다. Android 기기에서 이 페이지를 여세요.`,
  wrongFamily: (families: string): SafeHtml =>
    html`<strong>이 빌드는 사용 중인 기기 종류를 지원하지 않습니다</strong>(지원 기기: ${families}). iOS가 설치를 거부할 수 있습니다.`,
  appStore: html`<strong>이 빌드는 App Store용으로 서명되어 무선으로 설치할 수 없습니다.</strong> 개발자에게 Ad Hoc, 개발용 또는 엔터프라이즈 빌드를 요청하세요.`,
  profileExpired: (date: SafeHtml): SafeHtml =>
    html`<strong>프로비저닝 프로파일이 ${date}에 만료되었습니다.</strong> iOS가 이 빌드의 설치를 거부하며(‘앱을 다운로드할 수 없음’), 이미 설치된 앱도 더 이상 열리지 않습니다. 개발자에게 다시 서명한 빌드를 요청하세요.`,
  profileExpiring: (when: string, date: SafeHtml): SafeHtml =>
    html`<strong>프로비저닝 프로파일이 ${when} 만료됩니다</strong>(${date}). 그 후에는 앱이 열리지 않습니다.`,
  insecure: html`<strong>이 서버는 https를 사용하지 않습니다.</strong> iOS는 신뢰할 수 있는 인증서가 있는 https 주소에서만 앱을 설치하므로 설치 버튼이 실패합니다(‘연결할 수 없음’). 관리자가 https 공개 URL(OTASHIP_PUBLIC_URL)을 설정해야 합니다. 서버 문서를 참고하세요.`,
  caHint: (url: string): SafeHtml =>
    html`이 서버는 자체 인증 기관을 사용합니다. 설치하기 전에 기기에서 <a href="${url}">otaship 인증서를 신뢰</a>하도록 설정하세요.`,

  installSection: '설치',
  installButton: '설치',
  downloadApk: 'APK 다운로드',
  installAfterIos: html`iOS에서 물으면 <em>설치</em>를 탭한 다음 홈 화면에서 다운로드 진행 상황을 확인하세요.`,
  installAfterAndroid: (size: string): string => `${size} · 다운로드가 끝나면 파일을 여세요.`,
  desktopHintIos: '설치하려면 iPhone이나 iPad에서 이 페이지를 여세요. 카메라로 코드를 스캔하면 됩니다.',
  desktopHintAndroid: '설치하려면 Android 기기에서 이 페이지를 여세요. 카메라로 코드를 스캔하면 됩니다.',
  qrCaptionIos: 'iPhone이나 iPad 카메라로 스캔하면 이 페이지가 열립니다.',
  qrCaptionAndroid: '휴대폰 카메라로 스캔하면 이 페이지가 열립니다.',
  releaseNotes: '릴리스 노트',
  details: '세부 정보',
  trouble: '설치에 문제가 있나요?',
  otherReleases: '다른 릴리스',
  latestLink: (app: string): string => `${app}의 항상 최신 릴리스 →`,

  hintSafari: html`<strong>Safari를 사용하세요.</strong> 인앱 브라우저(Gmail, Slack, WeChat, Facebook, Instagram, LinkedIn, LINE, Telegram 등)에서는 설치를 시작할 수 없습니다. <em>공유</em> 또는 <em>•••</em>를 탭하고 <em>Safari로 열기</em>를 선택하거나, 이 페이지의 링크를 Safari에 복사하세요:`,
  hintUdid: (count: string | null, ask: SafeHtml): SafeHtml =>
    html`<strong>‘앱을 다운로드할 수 없음’이 표시되나요?</strong> 이 빌드는 프로비저닝 프로파일에 등록된 기기${count === null ? '' : `(${count})`}에만 설치됩니다. ${ask}`,
  registerAsk: (url: string): SafeHtml =>
    html`<a class="register-device" href="${url}">이 기기를 등록</a>해 UDID를 개발자에게 보낸 다음 새 빌드를 요청하세요.`,
  sendUdidAsk: html`개발자에게 기기의 UDID를 보내고(Mac에서: 기기를 연결하고 Finder에서 선택한 뒤 UDID가 보일 때까지 이름 아래 줄을 클릭) 새 빌드를 요청하세요.`,
  hintDevMode: html`<strong>iOS 16 이상:</strong> <em>개발자 모드</em>를 켜고(설정 › 개인정보 보호 및 보안 › 개발자 모드) 재시동한 뒤 확인하세요. 이 스위치는 앱을 처음 열어 본 후에 나타납니다.`,
  hintEnterprise: (team: string | null): SafeHtml =>
    html`<strong>‘신뢰하지 않는 엔터프라이즈 개발자’가 표시되나요?</strong> 설정 › 일반 › VPN 및 기기 관리를 열고 개발자${team === null ? '' : ` ‘${team}’`}을(를) 탭한 뒤 <em>신뢰</em>를 선택하세요. iOS 18에서는 신뢰가 적용되기 전에 재시동을 요청할 수 있습니다.`,
  hintSameVersion: html`<strong>설치를 탭해도 아무 반응이 없나요?</strong> 같은 버전이 이미 설치되어 있으면 iOS가 아무것도 표시하지 않을 수 있습니다. 앱을 먼저 삭제하거나 새 빌드 번호의 빌드를 요청하세요. 홈 화면도 확인하세요. 앱은 브라우저가 아니라 홈 화면에서 다운로드됩니다.`,
  hintIpad: html`<strong>iPad:</strong> Safari가 데스크톱 웹 사이트를 요청할 수 있지만 설치는 그대로 됩니다. 설치 버튼을 사용하세요.`,
  androidAllow: html`<strong>설치를 허용하세요.</strong> Android에서 물으면 브라우저가 알 수 없는 앱을 설치하도록 허용한 다음(설정 › 애플리케이션 › 특별한 앱 액세스 › 알 수 없는 앱 설치) 다운로드한 파일을 여세요.`,
  androidNotInstalled: html`<strong>‘앱이 설치되지 않았습니다’가 표시되나요?</strong> 패키지 이름이 같고 다른 키로 서명된 앱이 이미 설치되어 있습니다. 먼저 제거하세요. 설치된 앱보다 낮은 버전 코드도 거부됩니다.`,
  androidInApp: html`<strong>인앱 브라우저</strong>(Gmail, Slack, WeChat 등)는 다운로드를 차단할 수 있습니다. 이 페이지를 Chrome에서 여세요.`,

  bundleId: '번들 ID',
  packageName: '패키지',
  version: '버전',
  build: '빌드',
  versionCode: '버전 코드',
  size: '크기',
  published: '게시일',
  builtBy: '빌드 출처',
  requiresIos: '필요한 iOS',
  minSdk: '최소 SDK',
  devices: '기기',
  profile: '프로파일',
  team: '팀',
  devicesInProfile: '프로파일에 등록된 기기',
  profileExpires: '프로파일 만료',
  expired: '만료됨',
  phone: '휴대폰',
  profileTypes: {
    development: '개발용',
    'ad-hoc': 'Ad Hoc',
    enterprise: '엔터프라이즈(사내용)',
    'app-store': 'App Store',
  },
  deviceCount: { other: '{n}대' },
  inDays: { other: '{n}일 후' },
  daysAgo: { other: '{n}일 전' },
  withinDay: '하루 이내',
  today: '오늘',

  udidTitle: '이 기기 등록',
  udidHeading: '이 iPhone 또는 iPad 등록',
  udidIntro: '개발용 또는 Ad Hoc으로 서명된 테스트 빌드는 프로비저닝 프로파일에 등록된 기기에만 설치됩니다. 여기에서 이 기기를 등록하면 팀이 다음 빌드에 추가할 수 있습니다.',
  udidSafari: html`이 페이지를 <strong>등록하려는 기기의 Safari</strong>에서 여세요. 다른 브라우저와 인앱 브라우저에서는 프로파일을 설치할 수 없습니다.`,
  udidStepDownload: (url: string): SafeHtml =>
    html`<strong>프로파일 다운로드:</strong> <a class="button button-primary" href="${url}">등록 프로파일 다운로드</a>를 누르고 <em>허용</em>을 탭하세요.`,
  udidStepInstall: html`<strong>몇 분 안에 설치:</strong> 설정을 열고 상단의 <em>프로파일이 다운로드됨</em>(또는 일반 › VPN 및 기기 관리)을 탭한 다음 <em>설치</em>를 탭하세요. 프로파일은 서명되지 않았기 때문에 iOS에서 <em>확인되지 않음</em>으로 표시되며, 이는 정상입니다.`,
  udidStepDone: (host: string): SafeHtml =>
    html`<strong>완료:</strong> iOS가 기기 식별 정보를 ${host}(으)로 보내고 UDID를 보여 주는 페이지를 Safari에서 엽니다.`,
  udidWhatSent: '전송되는 정보',
  udidWhatSentBody: (host: string): SafeHtml =>
    html`기기의 UDID, 모델(예: iPhone16,1), iOS 버전, 일련번호, 기기 이름을 ${host}에만 보냅니다. 기기에는 아무것도 남지 않으며, 프로파일은 이 정보를 한 번만 요청합니다.`,
  udidDoneTitle: '기기 등록됨',
  udidDoneHeading: '이 기기가 등록되었습니다',
  udidDoneBody: '감사합니다. 이제 팀이 이 기기를 테스트 빌드에 추가할 수 있습니다. 이 기기가 포함된 빌드가 게시되면 설치할 수 있습니다.',
  model: '모델',
  deviceName: '이름',
  nothingInstalled: '이 기기에는 아무것도 설치되지 않았습니다.',

  caTitle: '이 서버 신뢰',
  caHeading: '이 서버의 인증서 신뢰',
  caIntro: (url: string): SafeHtml =>
    html`이 otaship 서버(<code>${url}</code>)는 자체 인증 기관을 사용합니다. iPhone과 iPad는 신뢰하는 서버에서만 앱을 설치하므로, 기기마다 한 번씩 다음을 진행하세요:`,
  caStepDownload: (url: string): SafeHtml =>
    html`<strong>Safari에서 프로파일 다운로드:</strong> <a class="button button-primary" href="${url}">CA 프로파일 다운로드</a>를 누르고 <em>허용</em>을 탭하세요.`,
  caStepInstall: html`<strong>설치:</strong> 설정 › 일반 › VPN 및 기기 관리(또는 설정 상단의 <em>프로파일이 다운로드됨</em>)를 열고 프로파일을 탭한 다음 <em>설치</em>를 탭하세요.`,
  caStepTrust: html`<strong>완전한 신뢰 켜기:</strong> 설정 › 일반 › 정보 › 인증서 신뢰 설정에서 otaship CA를 켜세요. 이 단계를 건너뛰면 설치가 계속 실패합니다.`,
  caOther: (url: string): SafeHtml =>
    html`컴퓨터나 Android 기기에서는 대신 인증서를 다운로드하세요: <a href="${url}">ca.crt</a>`,
  caFingerprint: '신뢰하기 전에 인증서의 SHA-256 지문을 확인하세요:',

  errorTitles: {
    400: '잘못된 요청',
    401: '로그인이 필요합니다',
    403: '유효하지 않은 링크',
    404: '찾을 수 없음',
    413: '너무 큼',
    422: '처리할 수 없음',
    429: '요청이 너무 많음',
    500: '서버 오류',
    503: '일시적으로 사용할 수 없음',
  },
  errorOther: '요청 실패',
  errorCode: (status: number, code: string): string => `오류 ${status} · ${code}`,
  errorAdvice: {
    TOKEN_INVALID: '이 링크는 유효하지 않습니다. 링크를 보낸 사람에게 새 설치 링크를 요청하세요.',
    TOKEN_MISSING: '이 링크는 완전하지 않습니다. 받은 링크로 설치 페이지를 다시 여세요.',
    TOKEN_EXPIRED: '이 링크는 만료되었습니다. 받은 링크로 설치 페이지를 다시 열면 새 링크를 받을 수 있습니다.',
    NOT_FOUND: '이 주소에는 아무것도 없습니다. 빌드가 삭제되었을 수 있으니 최신 링크를 요청하세요.',
    DEVICE_REGISTRATION: '기기를 등록하지 못했습니다. iPhone이나 iPad의 Safari에서 등록 페이지를 열고 프로파일을 다시 설치하세요.',
    TOO_MANY_REQUESTS: '짧은 시간에 시도가 너무 많았습니다. 1분 정도 기다린 후 다시 시도하세요.',
    UNAVAILABLE: '서버가 바쁘거나 점검 중입니다. 몇 분 후에 다시 시도하세요.',
  },
  errorDetails: '세부 정보',

  passcodeIntro: '이 링크는 암호로 보호되어 있습니다. 빌드를 보려면 받은 암호를 입력하세요.',
  passcodeLabel: '암호',
  passcodeOpen: '열기',
  passcodeWrong: '암호가 올바르지 않습니다. 확인한 후 다시 시도하세요.',
};
