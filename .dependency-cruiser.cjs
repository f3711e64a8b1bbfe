/**
 * Module boundaries, checked by `npm run lint` (README "Module map"):
 * - no cycles between the folders of src/ (a folder is a module);
 * - workflows/ is pure: it imports nothing from src/ (and no NestJS, no I/O);
 * - a module is entered through its public entry (src/<module>/index.ts) only; what is not exported
 *   there is that module's own business.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'src/ folders form a layered graph: a cycle between two modules means their boundary is wrong.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { path: '^src/', circular: true },
    },
    {
      name: 'workflows-are-pure',
      comment: 'workflows/ holds pure machines: nothing from the NestJS application.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^src/' },
    },
    {
      name: 'public-entry-only',
      comment: "Another module's internals are reached through its index.ts, never directly.",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^(dist|node_modules|test)/' },
  },
};
