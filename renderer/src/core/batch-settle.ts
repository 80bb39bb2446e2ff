// Settles each intake batch exactly once, from whichever of two sources sees it done first: the host's
// `onIntakeFinished` event, or the screen's own check of a batch it was hashing (small files can finish before
// the listener is attached, and a reload picks the batch up from the draft). The event travels on the event
// socket and the answer to `intake.get` on its own request, so the event can arrive while an answer saying
// `running` is on its way; the check then asks again instead of waiting for an event that already came.

export class BatchSettler<B extends { state: string }, C> {
  private readonly taken = new Set<string>();
  private readonly finishedSeen = new Set<string>();

  constructor(
    private readonly get: (batchId: string) => Promise<B>,
    private readonly settle: (batchId: string, batch: B, context: C) => Promise<void>,
  ) {}

  /** The host said the batch finished. */
  finished(batchId: string, context: C): Promise<void> {
    this.finishedSeen.add(batchId);
    return this.check(batchId, context);
  }

  /** Settles the batch if it is no longer running; a batch is settled once, whoever asks. */
  async check(batchId: string, context: C): Promise<void> {
    if (this.taken.has(batchId)) return;
    this.taken.add(batchId);
    let batch: B;
    try {
      batch = await this.get(batchId);
    } catch (err) {
      this.taken.delete(batchId);
      throw err;
    }
    if (batch.state === 'running') {
      this.taken.delete(batchId);
      if (this.finishedSeen.has(batchId)) return this.check(batchId, context);
      return;
    }
    await this.settle(batchId, batch, context);
  }
}
