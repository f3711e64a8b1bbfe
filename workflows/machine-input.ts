/**
 * A machine's context factory that tolerates being called without input.
 *
 * Every machine here is started with input (WorkflowRuntime.start), and no instance ever has the
 * context this returns without one. The call without input comes from XState's pure `transition()`:
 * for each event it creates a throwaway actor of the machine, without input, whose initial snapshot
 * it computes and discards. A factory that read `input.x` threw a TypeError there on every event,
 * and building that error and its stack trace cost more than the transition itself (a profile of a
 * thousand deadlines falling due together: about a tenth of the workflow engine's time). The empty
 * context is never stored and never seen: that throwaway actor is not started.
 */
export function contextFromInput<I, C extends object>(build: (input: I) => C): (args: { input: I }) => C {
  return ({ input }) => ((input as I | undefined) === undefined ? ({} as C) : build(input));
}
