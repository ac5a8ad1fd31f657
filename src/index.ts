/** cisis-tlr public API: re-exports only. */
export {};
