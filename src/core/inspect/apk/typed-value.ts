// Res_value: how AXML attributes and resources.arsc entries carry typed data.
export const ValueType = {
  NULL: 0x00,
  REFERENCE: 0x01,
  ATTRIBUTE: 0x02,
  STRING: 0x03,
  FLOAT: 0x04,
  DYNAMIC_REFERENCE: 0x07,
  INT_DEC: 0x10,
  INT_HEX: 0x11,
  INT_BOOLEAN: 0x12,
} as const;

export interface TypedValue {
  type: number;
  /** Raw 32-bit payload (unsigned). */
  data: number;
  /** Set when the value is a string (from the pool that the value's file owns). */
  string?: string | undefined;
}

export function isReference(v: TypedValue): boolean {
  return (v.type === ValueType.REFERENCE || v.type === ValueType.DYNAMIC_REFERENCE) && v.data !== 0;
}

/** A scalar as the text a person would write in the source XML; null for references and nulls. */
export function scalarText(v: TypedValue): string | null {
  if (v.string !== undefined) return v.string;
  switch (v.type) {
    case ValueType.INT_DEC:
    case ValueType.INT_HEX:
      return String(v.data | 0);
    case ValueType.INT_BOOLEAN:
      return v.data !== 0 ? 'true' : 'false';
    case ValueType.FLOAT: {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v.data);
      return String(Math.fround(b.readFloatLE(0)));
    }
    default:
      return null;
  }
}

export function refHex(id: number): string {
  return `@0x${id.toString(16).padStart(8, '0')}`;
}
