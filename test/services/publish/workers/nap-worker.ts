// A stand-in for the inspect worker that takes a moment per task (an async wait, no CPU).
import { setTimeout as sleep } from 'node:timers/promises';

export default async function nap(): Promise<{ info: { kind: string }; icon: null }> {
  await sleep(200);
  return { info: { kind: 'ipa' }, icon: null };
}
