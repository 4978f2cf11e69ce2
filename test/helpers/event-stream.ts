/** Reads a server-sent event stream in the background: `heard()` is all of it so far, `stop()` cancels it. */
export function listen(res: Response): { heard(): string; stop(): Promise<void> } {
  const reader = res.body!.getReader();
  let heard = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      heard += Buffer.from(value).toString('utf8');
    }
  })().catch(() => undefined);
  return { heard: () => heard, stop: () => reader.cancel() };
}
