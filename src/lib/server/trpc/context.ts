import type { RequestEvent } from '@sveltejs/kit';
import type { Db } from '../db/index.js';
import type { DbKind } from '../config.js';
import { database } from '../runtime.js';

/** The testable part of the context: tests build it directly and call procedures via createCaller. */
export interface InnerContext {
  db: Db;
  dbKind: DbKind;
}

export function createInnerContext(inner: InnerContext): InnerContext {
  return inner;
}

export async function createContext(_event: RequestEvent): Promise<InnerContext> {
  const { db, kind } = await database();
  return createInnerContext({ db, dbKind: kind });
}

export type Context = InnerContext;
