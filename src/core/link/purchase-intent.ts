// action=purchaseIntent: StoreKit's promoted in-app purchase test link. A real action, not a typo:
// valid when it names the app and the product, but it installs nothing.
import { problem, type LinkProblem } from './problems.js';
import type { RawParam } from './split.js';

export const PURCHASE_ACTION = 'purchaseIntent';

export function analysePurchaseIntent(
  params: readonly RawParam[],
  problems: LinkProblem[],
): { problems: LinkProblem[]; candidate: string | null } {
  const bundleId = params.find((p) => p.key === 'bundleId')?.value ?? '';
  const productId = params.find((p) => p.key === 'productIdentifier')?.value ?? '';
  const missing = [bundleId === '' ? 'bundleId' : null, productId === '' ? 'productIdentifier' : null].filter(
    (m): m is string => m !== null,
  );
  if (missing.length > 0) {
    problems.push(
      problem(
        'purchase-intent-incomplete',
        `The purchaseIntent link has no ${missing.join(' and ')}: add bundleId=<app bundle id>&productIdentifier=<in-app product id>`,
      ),
    );
  }
  const known = new Set(['action', 'bundleId', 'productIdentifier']);
  for (const p of params.filter((q) => !known.has(q.key))) {
    problems.push(
      problem('unknown-parameter', `purchaseIntent links take only bundleId and productIdentifier: remove "${p.key}"`),
    );
  }
  problems.push(
    problem(
      'not-install-link',
      'This is a StoreKit purchaseIntent link (tests a promoted in-app purchase): valid, but it installs no app. ' +
        'An install link is itms-services://?action=download-manifest&url=<encoded manifest URL>',
    ),
  );
  const candidate =
    missing.length === 0
      ? `itms-services://?action=${PURCHASE_ACTION}&bundleId=${encodeURIComponent(bundleId)}` +
        `&productIdentifier=${encodeURIComponent(productId)}`
      : null;
  return { problems, candidate };
}

