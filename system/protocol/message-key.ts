/**
 * A reliable message's identity apart from its seq, for the delivery events
 * (msg_sent / msg_delivered in core/events.ts): seqs are renumbered in a new
 * session, so the harness follows a message across sessions by what it is
 * about. Undefined for messages with no identity of their own (sync,
 * sync_result, data): those are followed by seq only.
 */

/** The fields of a reliable message its identity is made of (any message type). */
interface Keyed {
  type: string;
  executionId?: string;
  leaseToken?: string;
  reason?: string;
  outcome?: string;
  checkpoint?: { seq: number };
}

/** `type:executionId/leaseToken[/detail]` for task messages, `drain` for drain, else undefined. */
export function messageKey(msg: Keyed): string | undefined {
  const task = `${msg.type}:${msg.executionId ?? ''}/${msg.leaseToken ?? ''}`;
  switch (msg.type) {
    case 'assign':
    case 'started':
      return task;
    case 'abort':
      return `${task}/${msg.reason ?? ''}`;
    case 'result':
      return `${task}/${msg.outcome ?? ''}`;
    case 'checkpoint':
      return `${task}/${msg.checkpoint?.seq ?? ''}`;
    case 'drain':
      return 'drain';
    default:
      return undefined;
  }
}
