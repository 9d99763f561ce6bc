// The icons the manifest names (display-image 57×57, full-size-image 512×512), shown while the app
// installs: they must be standard PNGs. Xcode's CgBI PNGs (from inside an .ipa) are not.
import { readPngHeader } from '../png/index.js';
import type { HttpTrace } from './facts.js';
import { finding, type Finding } from './findings.js';

export const ICON_SIZES: Readonly<Record<string, number>> = { 'display-image': 57, 'full-size-image': 512 };

export function checkIcon(kind: string, trace: HttpTrace): Finding[] {
  const url = trace.hops[0]?.url ?? trace.final.url;
  if (trace.final.status !== 200) return [finding('ICON_STATUS', 'icon', url, `The ${kind} URL answers ${trace.final.status}`)];
  const header = trace.truncated ? null : readPngHeader(trace.body);
  if (!header) return [finding('ICON_NOT_PNG', 'icon', url, `The ${kind} is not a PNG${trace.truncated ? ` (it is over ${trace.body.length} bytes)` : ''}`)];
  const out: Finding[] = [];
  if (header.cgbi) out.push(finding('ICON_CGBI', 'icon', url, `The ${kind} is an Apple CgBI PNG, which is not a standard PNG`));
  const want = ICON_SIZES[kind];
  if (want !== undefined && (header.width !== want || header.height !== want)) {
    out.push(finding('ICON_WRONG_SIZE', 'icon', url, `The ${kind} is ${header.width}×${header.height}, not ${want}×${want}`));
  }
  return out;
}
