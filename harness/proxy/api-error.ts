/**
 * Toxiproxy's API errors: a message and an HTTP status, serialised as
 * `{"error": "...", "status": N}`. The messages are Toxiproxy 2.x's own
 * (api.go), so clients that match on them keep working against this proxy.
 */
import { ErrorCode, SquallError } from '../../system/core/index.js';

/** An error the HTTP API reports with a status code. */
export class ApiError extends SquallError {
  readonly status: number;
  constructor(message: string, status: number) {
    super(status === 404 ? ErrorCode.NotFound : status === 409 ? ErrorCode.Conflict : status >= 500 ? ErrorCode.Internal : ErrorCode.InvalidArgument, message);
    this.status = status;
  }
  /** The wire body Toxiproxy sends (field order: error, status). */
  body(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

/** Toxiproxy's fixed errors (api.go), as factories so each throw has its own stack. */
export const apiErrors = {
  badRequestBody: (detail: string) => new ApiError(`bad request body: ${detail}`, 400),
  missingField: (field: string) => new ApiError(`missing required field: ${field}`, 400),
  proxyNotFound: () => new ApiError('proxy not found', 404),
  proxyAlreadyExists: () => new ApiError('proxy already exists', 409),
  invalidStream: () => new ApiError('stream was invalid, can be either upstream or downstream', 400),
  invalidToxicType: () => new ApiError('invalid toxic type', 400),
  toxicAlreadyExists: () => new ApiError('toxic already exists', 409),
  toxicNotFound: () => new ApiError('toxic not found', 404),
} as const;

/** Any other failure (e.g. listen: address in use) is a 500 with the error's text, as Toxiproxy does. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(err instanceof Error ? err.message : String(err), 500);
}
