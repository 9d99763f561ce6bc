// Packages for server tests: a signed synthetic APK (the IPA builder lives in test/helpers).
import { apkBuffer, encodeAxml, int, manifestTree, scratchDir, str } from '../../helpers/synthetic-apk.js';

export async function buildApk(options: { packageName?: string; label?: string; versionName?: string; versionCode?: number } = {}): Promise<{ path: string; bytes: Buffer; remove(): Promise<void> }> {
  const manifest = encodeAxml(
    manifestTree({
      package: options.packageName ?? 'com.example.droid',
      versionCode: int(options.versionCode ?? 12),
      versionName: str(options.versionName ?? '3.1'),
      minSdk: int(24),
      targetSdk: int(34),
      label: str(options.label ?? 'Droid'),
    }),
  );
  const bytes = await apkBuffer({ manifest, v1: true, files: { 'assets/filler.bin': Buffer.alloc(200_000, 3) } });
  const dir = await scratchDir();
  const path = await dir.write('app.apk', bytes);
  return { path, bytes, remove: dir.remove };
}
