/**
 * WebSocket close codes squall uses. 4000-4999 is the application range.
 * Each is documented in docs/PROTOCOL.md; a close is preceded by an `error`
 * message saying what was wrong (where the peer can still be told).
 */
export const CloseCode = {
  /** Normal shutdown of the peer process (drain, SIGTERM). */
  GoingAway: 1001,
  /** A binary frame: the protocol is text frames only (sent by the transport, without an error message). */
  UnsupportedData: 1003,
  /** Transport-level hard limit exceeded (ws maxPayload). */
  TransportTooBig: 1009,
  /** Frame is not valid JSON, or fails the message schema. */
  Malformed: 4400,
  /** Registration HMAC missing or wrong (coordinator → worker). */
  AuthFailed: 4401,
  /** A message signature is missing or wrong on a signing session (either side). */
  BadSignature: 4402,
  /** The coordinator's proof in `registered` is missing or wrong (worker → coordinator). */
  CoordinatorAuthFailed: 4403,
  /** Message type unknown to this protocol version. */
  UnknownType: 4404,
  /** Message not allowed in the current connection state (e.g. assign before register). */
  UnexpectedMessage: 4405,
  /** No heartbeat within the timeout (half-open connection). */
  HeartbeatTimeout: 4408,
  /** Replaced by a newer authenticated connection with the same worker id. */
  Replaced: 4409,
  /** Frame larger than the configured maxFrameBytes. */
  TooLarge: 4413,
  /** Protocol version not supported. */
  UnsupportedVersion: 4426,
  /** Registration did not arrive in time. */
  RegisterTimeout: 4429,
  /** Unexpected internal error while handling the connection. */
  Internal: 4500,
  /** Admission control: too many handshakes in progress; the reason says `retry-after=<ms>`. */
  Overloaded: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Close codes after which a worker should not retry (misconfiguration, not
 * weather). Not 4401/4402/4403: a corrupted frame fails authentication too,
 * and a fake coordinator may hold the address only for a while, so workers
 * retry those with backoff and log them as errors.
 */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.UnsupportedVersion, CloseCode.Replaced]);
