/** Writes to stdout and resolves once the data is flushed (large JSON outputs to a pipe must not be cut by process exit). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}
