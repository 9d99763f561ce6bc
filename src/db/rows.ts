// Conversions between what the drivers return and the port's records. Both dialects pass through
// here, so the differences (0/1 vs boolean, ISO text vs Date, bigint-as-string) stay in one place.
import { OtashipError } from '../core/errors.js';

export function toDbBool(value: boolean): number {
  return value ? 1 : 0;
}

export function toDbNullableBool(value: boolean | null): number | null {
  return value === null ? null : toDbBool(value);
}

export function fromDbBool(value: number | boolean | string): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

export function fromDbNullableBool(value: number | boolean | string | null): boolean | null {
  return value === null ? null : fromDbBool(value);
}

export function toDbTime(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new OtashipError('VALIDATION', 'invalid date given to the database');
  return value.toISOString();
}

export function toDbNullableTime(value: Date | null | undefined): string | null {
  return value == null ? null : toDbTime(value);
}

export function fromDbTime(value: string | Date): Date {
  return value instanceof Date ? new Date(value.getTime()) : new Date(value);
}

export function fromDbNullableTime(value: string | Date | null): Date | null {
  return value === null ? null : fromDbTime(value);
}

/** pg returns bigint columns as strings; sizes and counts stay far below 2^53. */
export function fromDbNumber(value: number | string | bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new OtashipError('INTERNAL', `database returned a non-integer count or size: ${String(value)}`);
  return n;
}
