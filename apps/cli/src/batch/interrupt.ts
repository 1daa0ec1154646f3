/** An AbortSignal raised by the first Ctrl-C (SIGINT/SIGTERM); a second one exits at once. */
export function interruptSignal(quiet = false): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSignal = () => {
    if (ac.signal.aborted) process.exit(130);
    if (!quiet) process.stderr.write('\nattnlens: stopping: files being drawn get a second to finish, the rest are left undrawn (Ctrl-C again to quit at once)\n');
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
