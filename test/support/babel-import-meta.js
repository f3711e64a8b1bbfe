/**
 * Babel plugin used only by Jest, for the ESM-only @nestjs packages compiled to CommonJS: rewrites
 * `import.meta` to what a CommonJS module has. `import.meta.url` becomes the compiled file's own URL,
 * `import.meta.dirname`/`filename` its directory and path, and `import.meta.resolve(x)` the URL of
 * `require.resolve(x)` (@nestjs/terminus checks its optional peers with it). (The published
 * transform-import-meta plugin emits `require(...)` for the URL, which breaks modules that declare
 * `const require = createRequire(import.meta.url)`.)
 */
module.exports = function importMeta({ types: t }) {
  const fileUrl = (expr) =>
    t.binaryExpression('+', t.stringLiteral('file://'), t.callExpression(t.identifier('encodeURI'), [expr]));
  return {
    visitor: {
      MemberExpression(path) {
        const { object, property } = path.node;
        if (!t.isMetaProperty(object) || object.meta.name !== 'import' || !t.isIdentifier(property)) return;
        if (property.name === 'url') path.replaceWith(fileUrl(t.identifier('__filename')));
        else if (property.name === 'filename') path.replaceWith(t.identifier('__filename'));
        else if (property.name === 'dirname') path.replaceWith(t.identifier('__dirname'));
        else if (property.name === 'resolve') {
          // `(specifier) => 'file://' + encodeURI(require.resolve(specifier))`; throws as import.meta.resolve does
          // for a package that is not installed.
          const specifier = t.identifier('specifier');
          const resolved = t.callExpression(t.memberExpression(t.identifier('require'), t.identifier('resolve')), [
            specifier,
          ]);
          path.replaceWith(t.arrowFunctionExpression([specifier], fileUrl(resolved)));
        }
      },
    },
  };
};
