// The redirect chain of one request: iOS follows redirects, but each hop must stay on https (a
// proxy that rebuilds Location from the scheme it sees is the classic cause), and every new host
// must pass the TLS checks on its own.
import type { HttpTrace } from './facts.js';
import { finding, type DoctorStep, type Finding } from './findings.js';

export function checkRedirects(trace: HttpTrace, step: DoctorStep): Finding[] {
  const out: Finding[] = [];
  for (let i = 1; i < trace.hops.length; i++) {
    const from = new URL((trace.hops[i - 1] as { url: string }).url);
    const to = new URL((trace.hops[i] as { url: string }).url);
    if (to.protocol !== 'https:') {
      const code = from.protocol === 'https:' ? 'REDIRECT_TO_HTTP' : 'REDIRECT_NOT_HTTPS';
      out.push(finding(code, step, from.href, `${from.href} redirects to ${to.href}`));
    } else if (to.host !== from.host) {
      out.push(finding('REDIRECT_OTHER_HOST', step, from.href, `${from.host} redirects to ${to.host}`));
    }
  }
  return out;
}
