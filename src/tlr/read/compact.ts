/**
 * The object without its `undefined` properties: readers build domain objects whose optional
 * properties are absent rather than present-and-undefined, so that a read value equals the object
 * it was built from.
 */
export function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}

/** `undefined` for an empty string, so that absent optional text stays absent. */
export function nonEmpty(value: string): string | undefined {
  return value === '' ? undefined : value;
}

/** An object that only has undefined properties is absent. */
export function nonEmptyObject<T extends object>(value: T): T | undefined {
  const c = compact(value);
  return Object.keys(c).length === 0 ? undefined : c;
}
