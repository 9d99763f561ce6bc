// Decoding an untrusted protobuf under a work budget. protobufjs decodes recursively and builds one
// object per message without limit, so a hostile file could nest messages until the stack
// overflows or pack millions of empty ones into a few MiB. Before decoding, one iterative pass over
// the wire format (protobufjs' Reader, no objects built) follows the declared message fields,
// checking every length against its parent, counting messages (objects), length-delimited bytes
// and nesting (depth) against AAB_LIMITS; only input that passes is handed to the decoder.
import protobuf from 'protobufjs/light.js';
import { AAB_LIMITS, ParseBudget, isParseBudgetError } from '../../budget.js';
import { OtashipError } from '../../errors.js';

interface Frame {
  type: protobuf.Type;
  end: number;
  depth: number;
}

/** Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (3 and 4, groups, are not used by aapt2). */
const LEN = 2;

/** Decodes bytes as `type`; damage is BAD_APK naming `what`, too much structure PARSE_BUDGET. */
export function decodeBudgeted<T>(type: protobuf.Type, bytes: Uint8Array, what: string): T {
  try {
    prescan(type, bytes, new ParseBudget(what, AAB_LIMITS));
    return type.decode(bytes) as unknown as T;
  } catch (err) {
    if (isParseBudgetError(err) || err instanceof OtashipError) throw err;
    // protobufjs reports truncation and bad varints as RangeError/Error: the file is damaged.
    throw new OtashipError('BAD_APK', `${what} is damaged: it is not a valid ${type.name} protobuf (${(err as Error).message})`, {
      cause: err,
    });
  }
}

function prescan(type: protobuf.Type, bytes: Uint8Array, budget: ParseBudget): void {
  const reader = protobuf.Reader.create(bytes);
  const stack: Frame[] = [{ type, end: bytes.length, depth: 0 }];
  budget.objects();
  for (;;) {
    const top = stack[stack.length - 1];
    if (!top) return;
    if (reader.pos >= top.end) {
      if (reader.pos > top.end) throw damaged(top.type);
      stack.pop();
      continue;
    }
    const tag = reader.uint32();
    const wireType = tag & 7;
    const field = top.type.fieldsById[tag >>> 3];
    if (wireType === LEN) {
      const length = reader.uint32();
      const end = reader.pos + length;
      if (end > top.end) throw damaged(top.type);
      const child = field?.resolvedType;
      if (child instanceof protobuf.Type) {
        budget.objects();
        budget.depth(top.depth + 1);
        stack.push({ type: child, end, depth: top.depth + 1 });
      } else {
        budget.bytes(length);
        reader.skip(length);
      }
    } else if (wireType === 0 || wireType === 1 || wireType === 5) {
      reader.skipType(wireType);
    } else {
      throw damaged(top.type);
    }
    if (reader.pos > top.end) throw damaged(top.type);
  }
}

function damaged(type: protobuf.Type): Error {
  return new Error(`a field of ${type.name} runs past its end or has an unknown wire type`);
}
