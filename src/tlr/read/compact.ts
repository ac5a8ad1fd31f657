/**
 * The object without its `undefined` properties: readers build domain objects whose optional
 * properties are absent rather than present-and-undefined, so that a read value equals the object
 * it was built from.
 */
export function compact<T extends object>(value: T): Compacted<T> {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value as Compacted<T>;
}

/**
 * The type of {@link compact}'s result: a property that may be `undefined` becomes optional and loses `undefined`
 * (with `exactOptionalPropertyTypes`, absent and present-but-undefined are different types).
 */
export type Compacted<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** `undefined` for an empty string, so that absent optional text stays absent. */
export function nonEmpty(value: string): string | undefined {
  return value === '' ? undefined : value;
}

/** An object that only has undefined properties is absent. */
export function nonEmptyObject<T extends object>(value: T): Compacted<T> | undefined {
  const c = compact(value);
  return Object.keys(c).length === 0 ? undefined : c;
}
