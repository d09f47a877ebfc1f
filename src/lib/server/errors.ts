// Typed domain errors: services throw these, the transport (tRPC) maps them to codes.
export type DomainErrorCode = 'BAD_REQUEST' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHORIZED';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A write based on a stale version: what it is now and which of the caller's fields collide. */
export interface ConflictDetails {
  entity: string;
  id: number;
  current: Record<string, unknown>;
  conflictingFields: string[];
}

export function fieldError(field: string, message: string, code: DomainErrorCode = 'BAD_REQUEST'): DomainError {
  return new DomainError(code, message, { fieldErrors: { [field]: [message] } });
}

export function conflictError(message: string, conflict: ConflictDetails): DomainError {
  return new DomainError('CONFLICT', message, { conflict });
}
