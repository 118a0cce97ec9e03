/**
 * What a caller passes with one request to the transaction engine: the till's own id (stored
 * with the transaction in the commit that begins it), an abort signal (honoured until the
 * request is committed: while it waits in line, for the reversal gate or for a card), and a
 * callback for each step (the runtime turns them into events).
 */

/**
 * started: the engine took the request up; card-wait: the reader is asked for a card;
 * card-read: card data in hand; committing: past the point of no abort (the journal is about
 * to record it); sent: the request's bytes left for the host (the journal id is given).
 */
export type TxnStep = 'started' | 'card-wait' | 'card-read' | 'committing' | 'sent';

export interface TxnContext {
  tillId?: string;
  signal?: AbortSignal;
  onStep?: (step: TxnStep, txnId?: number) => void;
}
