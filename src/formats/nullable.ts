import { Type, type TSchema } from 'typebox';

/** A wire field that may be `null`: `schema`, or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
