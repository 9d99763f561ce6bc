// s3rver in its own process, so the S3 double's work is not charged to the benchmark's load generator
// (they would share one event loop otherwise). Prints {endpoint, bucket} as one JSON line when ready;
// stops (and deletes its directory) on SIGTERM/SIGINT or when the parent's stdin closes.
import { startS3 } from '../../test/helpers/s3.js';

const s3 = await startS3('otaship-bench');
process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint, bucket: s3.bucket })}\n`);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void s3.stop().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', stop).resume();
